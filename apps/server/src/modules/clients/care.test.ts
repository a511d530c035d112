/**
 * Treatment relationships and break-the-glass: a clinician sees only the clients they treat;
 * relationships start by assignment (owner, back office) or booking, end by hand or when their
 * trajectory closes, and every start and end is audited and in the client's history.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { addMember, createUser, signIn } from '../../test/factories.ts';
import { bookingBody, schedulingWorld, type SchedulingWorld } from '../scheduling/scheduling.fixture.ts';

let t: TestApp;
let w: SchedulingWorld;
let backOffice: Client;
let billing: Client;
let billingMembershipId: string;
const clinician: Client[] = [];

before(async () => {
  t = await startTestApp();
  w = await schedulingWorld(t, { clinicians: 3, clients: 6 });
  const bo = await createUser(t.deps, { name: 'Bea Backoffice' });
  await addMember(t.deps, w.practice.id, bo, ['back_office']);
  backOffice = await signIn(t, bo);
  const bi = await createUser(t.deps, { name: 'Bill Billing' });
  billingMembershipId = await addMember(t.deps, w.practice.id, bi, ['billing']);
  billing = await signIn(t, bi);
  for (const c of w.clinicians) clinician.push(await signIn(t, c.user));
});
after(() => t.close());

const client = (i: number) => `${w.base}/clients/${w.clientIds[i]}`;
const member = (i: number) => w.clinicians[i]?.membershipId ?? '';
const doc = (i: number) => clinician[i] as Client;

async function relationships(clientId: string) {
  return t.deps.db
    .selectFrom('treatment_relationships')
    .selectAll()
    .where('practice_id', '=', w.practice.id)
    .where('client_id', '=', clientId)
    .orderBy('started_at')
    .execute();
}

async function auditActions(clientId: string, since: Date) {
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'entity_id', 'reason', 'break_glass'])
    .where('practice_id', '=', w.practice.id)
    .where('client_id', '=', clientId)
    .where('at', '>=', since)
    .orderBy('at')
    .execute();
  return rows;
}

async function historyActions(i: number) {
  const res = await backOffice.get(`${client(i)}/history`);
  assert.equal(res.status, 200);
  return res.body.items as { action: string; changes: Record<string, { from: unknown; to: unknown }> }[];
}

describe('treatment relationships', () => {
  it('the attack fails: with sharing on, writing a trivial note neither works nor opens the colleague’s notes', async () => {
    assert.equal((await w.owner.patch(`${w.base}/record-settings`, { notesSharedWithCoClinicians: true })).status, 200);
    try {
      assert.equal((await backOffice.post(`${client(0)}/treatment-relationships`, { clinicianId: member(0) })).status, 201);
      const secret = `Vertrouwelijk ${crypto.randomUUID()}`;
      assert.equal((await doc(0).post(`${client(0)}/notes`, { kind: 'free', body: secret })).status, 201);
      const attempt = await doc(1).post(`${client(0)}/notes`, { kind: 'free', body: 'x' });
      assert.equal(attempt.status, 403);
      assert.equal(attempt.body.error.code, 'not_treating');
      const read = await doc(1).get(`${client(0)}/notes`);
      assert.equal(read.status, 403);
      assert.ok(!JSON.stringify(read.body).includes(secret));
      assert.equal((await doc(1).get(client(0))).status, 403);
      assert.ok((await relationships(w.clientIds[0] ?? '')).every((r) => r.membership_id !== member(1)));
    } finally {
      await w.owner.patch(`${w.base}/record-settings`, { notesSharedWithCoClinicians: false });
    }
  });

  it('booking a clinician for a client starts the relationship (once), audited and in the history', async () => {
    const since = new Date();
    const id = w.clientIds[1] ?? '';
    assert.equal((await doc(1).get(client(1))).status, 403);
    const booked = await w.owner.post(`${w.base}/appointments`, bookingBody(w, { clientIds: [id], clinicianIds: [member(1)] }));
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const rows = await relationships(id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.membership_id, member(1));
    assert.equal(rows[0]?.started_via, 'booking');
    assert.equal(rows[0]?.ended_at, null);
    assert.equal((await doc(1).get(client(1))).status, 200);
    const list = await doc(1).get(`${w.base}/clients`);
    assert.deepEqual(
      list.body.items.map((c: { id: string }) => c.id),
      [id],
    );
    // A second booking adds no second relationship.
    const again = await w.owner.post(
      `${w.base}/appointments`,
      bookingBody(w, { clientIds: [id], clinicianIds: [member(1)], start: '2030-01-14T10:00' }),
    );
    assert.equal(again.status, 201);
    assert.equal((await relationships(id)).length, 1);
    const audit = await auditActions(id, since);
    assert.deepEqual(
      audit.filter((a) => a.action === 'client.treatment.start').map((a) => [a.entity_id, a.reason]),
      [[rows[0]?.id, 'booking']],
    );
    const history = await historyActions(1);
    assert.equal(history.filter((h) => h.action === 'treatment.start').length, 1);
  });

  it('closing the trajectory ends its relationships (assigned and booked), audited and in the history', async () => {
    const since = new Date();
    const id = w.clientIds[2] ?? '';
    const tr = await backOffice.post(`${client(2)}/trajectories`, { startDate: '2026-01-05', leadMembershipId: member(0) });
    assert.equal(tr.status, 201);
    const booked = await w.owner.post(
      `${w.base}/appointments`,
      bookingBody(w, { clientIds: [id], clinicianIds: [member(2)], start: '2030-01-21T10:00' }),
    );
    assert.equal(booked.status, 201);
    const open = await relationships(id);
    assert.deepEqual(
      open.map((r) => [r.membership_id, r.started_via, r.trajectory_id]).sort(),
      [
        [member(0), 'assigned', tr.body.id],
        [member(2), 'booking', tr.body.id],
      ].sort(),
    );
    assert.equal((await doc(0).get(client(2))).status, 200);
    const closed = await backOffice.patch(`${client(2)}/trajectories/${tr.body.id}`, { endDate: '2026-06-30' });
    assert.equal(closed.status, 200);
    const ended = await relationships(id);
    assert.ok(ended.every((r) => r.ended_at !== null && r.end_reason === 'trajectory_closed'));
    assert.equal((await doc(0).get(client(2))).status, 403);
    assert.equal((await doc(2).get(client(2))).status, 403);
    const audit = (await auditActions(id, since)).filter((a) => a.action === 'client.treatment.end');
    assert.deepEqual(audit.map((a) => a.entity_id).sort(), ended.map((r) => r.id).sort());
    const history = await historyActions(2);
    assert.equal(history.filter((h) => h.action === 'treatment.end').length, 2);
    // The list in the client file shows them ended, with why.
    const listed = await backOffice.get(`${client(2)}/treatment-relationships`);
    assert.ok(listed.body.items.every((r: { active: boolean; endReason: string }) => !r.active && r.endReason === 'trajectory_closed'));
  });

  it('is assigned and ended only by the owner or back office; bad input names the field and writes nothing', async () => {
    const id = w.clientIds[3] ?? '';
    assert.equal((await backOffice.post(`${client(3)}/treatment-relationships`, { clinicianId: member(0) })).status, 201);
    // A treating clinician cannot add a colleague (or themselves elsewhere); billing cannot either.
    for (const [who, c] of [
      ['clinician', doc(0)],
      ['billing', billing],
    ] as const) {
      const res = await c.post(`${client(3)}/treatment-relationships`, { clinicianId: member(1) });
      assert.equal(res.status, 403, who);
    }
    assert.equal((await doc(1).post(`${client(3)}/treatment-relationships`, { clinicianId: member(1) })).status, 403);
    const before = await relationships(id);
    const bad: [unknown, string][] = [
      [{ clinicianId: crypto.randomUUID() }, 'body.clinicianId'],
      [{ clinicianId: billingMembershipId }, 'body.clinicianId'],
      [{ clinicianId: member(1), trajectoryId: crypto.randomUUID() }, 'body.trajectoryId'],
      [{ clinicianId: 'nope' }, 'body.clinicianId'],
      [{}, 'body.clinicianId'],
    ];
    for (const [body, path] of bad) {
      const res = await backOffice.post(`${client(3)}/treatment-relationships`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(
        res.body.error.fields.map((f: { path: string }) => f.path),
        [path],
      );
    }
    assert.deepEqual(await relationships(id), before);
    // Assigning again answers the active one.
    const again = await w.owner.post(`${client(3)}/treatment-relationships`, { clinicianId: member(0) });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, before[0]?.id);

    const relId = before[0]?.id ?? '';
    assert.equal((await doc(0).post(`${client(3)}/treatment-relationships/${relId}/end`, {})).status, 403);
    const since = new Date();
    const ended = await w.owner.post(`${client(3)}/treatment-relationships/${relId}/end`, { note: 'Verwezen naar de GGZ' });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.active, false);
    assert.equal(ended.body.endReason, 'ended');
    assert.equal(ended.body.endNote, 'Verwezen naar de GGZ');
    assert.equal((await doc(0).get(client(3))).status, 403);
    const audit = await auditActions(id, since);
    assert.ok(audit.some((a) => a.action === 'client.treatment.end' && a.entity_id === relId));
    assert.ok((await historyActions(3)).some((h) => h.action === 'treatment.end'));
  });

  it('shows a clinician only their clients in lists and search; an exact number or BSN is a restricted hit', async () => {
    const id = w.clientIds[4] ?? '';
    const number = (await t.deps.db.selectFrom('clients').select('client_number').where('id', '=', id).executeTakeFirstOrThrow())
      .client_number;
    const byName = await doc(2).get(`${w.base}/clients?q=Client4`);
    assert.deepEqual(byName.body.items, []);
    assert.deepEqual(byName.body.restricted, []);
    const since = new Date();
    const byNumber = await doc(2).get(`${w.base}/clients?q=${number}`);
    assert.equal(byNumber.status, 200);
    assert.deepEqual(byNumber.body.items, []);
    assert.deepEqual(byNumber.body.restricted, [{ id, clientNumber: number }]);
    assert.ok(!JSON.stringify(byNumber.body).includes('Client4'));
    assert.ok((await auditActions(id, since)).some((a) => a.action === 'client.search_restricted_hit'));
    // The back office sees every client, without restricted hits.
    const all = await backOffice.get(`${w.base}/clients?q=${number}`);
    assert.equal(all.body.items[0]?.id, id);
    assert.equal(all.body.restricted, undefined);
  });
});

describe('break-the-glass', () => {
  it('needs a reason of some length, is for clinicians outside the care only, and flags every access', async () => {
    const id = w.clientIds[5] ?? '';
    const url = client(5);
    for (const [body, path] of [
      [{}, 'body.reason'],
      [{ reason: 'even kijken' }, 'body.reason'],
      [{ reason: '               x' }, 'body.reason'],
    ] as const) {
      const res = await doc(2).post(`${url}/break-glass`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(
        res.body.error.fields.map((f: { path: string }) => f.path),
        [path],
      );
    }
    assert.equal((await backOffice.post(`${url}/break-glass`, { reason: 'De back office mag alles al zien' })).status, 403);
    assert.equal(
      (await doc(2).post(`${w.base}/clients/${crypto.randomUUID()}/break-glass`, { reason: 'Bestaat deze cliënt wel?' })).status,
      404,
    );
    assert.equal(await t.deps.db.selectFrom('break_glass_grants').select('id').where('client_id', '=', id).executeTakeFirst(), undefined);

    assert.equal((await doc(2).get(url)).status, 403);
    const reason = 'Dienstdoende: cliënt meldt zich in crisis bij de balie';
    const since = new Date();
    const glass = await doc(2).post(`${url}/break-glass`, { reason });
    assert.equal(glass.status, 201);
    assert.equal(Date.parse(glass.body.expiresAt) - Date.parse(glass.body.grantedAt), 60 * 60_000);
    assert.equal((await doc(2).get(url)).status, 200);
    assert.equal((await doc(2).get(`${url}/documents`)).status, 200);
    // Found in the clinician's own list while the grant runs.
    assert.ok((await doc(2).get(`${w.base}/clients`)).body.items.some((c: { id: string }) => c.id === id));
    // Writing a note still needs a treatment relationship.
    assert.equal((await doc(2).post(`${url}/notes`, { kind: 'free', body: 'Crisisnotitie' })).status, 403);
    const audit = await auditActions(id, since);
    const mine = audit.filter((a) => ['client.break_glass', 'client.read', 'document.list', 'client.search_hit'].includes(a.action));
    assert.ok(mine.length >= 4);
    assert.ok(mine.every((a) => a.break_glass && a.reason === reason));
    assert.ok((await historyActions(5)).some((h) => h.action === 'break_glass'));

    // The owner sees it; nobody else does.
    const list = await w.owner.get(`${w.base}/break-glass`);
    assert.equal(list.status, 200);
    const entry = list.body.items.find((g: { id: string }) => g.id === glass.body.id);
    assert.equal(entry.reason, reason);
    assert.equal(entry.userName, w.clinicians[2]?.name);
    assert.ok(entry.accesses >= 4, `accesses ${entry.accesses}`);
    for (const c of [backOffice, billing, doc(2)]) assert.equal((await c.get(`${w.base}/break-glass`)).status, 403);

    // Once the grant has run out, the file is closed again.
    await t.deps.db
      .updateTable('break_glass_grants')
      .set({ granted_at: new Date(Date.now() - 2 * 3_600_000), expires_at: new Date(Date.now() - 3_600_000) })
      .where('id', '=', glass.body.id)
      .execute();
    assert.equal((await doc(2).get(url)).status, 403);
    // A clinician who treats the client needs no glass.
    assert.equal((await backOffice.post(`${url}/treatment-relationships`, { clinicianId: member(2) })).status, 201);
    assert.equal((await doc(2).post(`${url}/break-glass`, { reason: 'Ik behandel deze cliënt al' })).status, 409);
    assert.equal((await doc(2).get(url)).status, 200);
  });
});
