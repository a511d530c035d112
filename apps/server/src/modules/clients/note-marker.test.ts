/**
 * The marker test: a clinical note carrying a unique marker is written, then every route of the
 * OpenAPI document is called, with real identifiers, by every role that may not read it. The
 * marker must appear in no answer, no e-mail and no audit or history row; its author sees it, and
 * a co-clinician only once the practice shares notes.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createUser, insertAppointment, populateWaitlist, signIn } from '../../test/factories.ts';
import { exampled, sample, SamplerGap, type JsonSchema } from '../../test/request-sampler.ts';
import { PDF, recordsWorld, type RecordsWorld } from './records.fixture.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const marker = `NOTEMARKER-${crypto.randomUUID()}`;

let t: TestApp;
let w: RecordsWorld;
let doc: JsonSchema;
let ids: Record<string, string>;

interface Op {
  method: (typeof METHODS)[number];
  path: string;
  op: JsonSchema;
}

before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
  const { db } = t.deps;
  const practiceId = w.practice.id;
  const client = `${w.base}/clients/${w.clientId}`;
  const note = await w.author.post(`${client}/notes`, { kind: 'session', sessionDate: '2026-03-02', body: `Sessie ${marker} besproken` });
  assert.equal(note.status, 201);
  assert.equal((await w.colleague.post(`${client}/notes`, { kind: 'free', body: 'Waarneming' })).status, 201);
  const document = await w.backOffice.raw('POST', `${client}/documents?label=referral_letter&fileName=brief.pdf`, PDF, 'application/pdf');
  const trajectory = await w.backOffice.post(`${client}/trajectories`, { startDate: '2026-01-05', leadMembershipId: w.authorMembershipId });
  const duplicate = await w.backOffice.post(`${w.base}/clients`, { firstName: 'Dubbel', lastName: 'Dossier', dateOfBirth: '1970-01-01' });
  // The walker's PATCH /staff rewrites roles: give it a member nobody else uses.
  const spare = await addMember(t.deps, practiceId, await createUser(t.deps, { name: 'Spare clinician' }), ['clinician']);
  const relationship = await w.backOffice.post(`${client}/treatment-relationships`, { clinicianId: spare });
  assert.equal(relationship.status, 201);
  const location = await db
    .insertInto('locations')
    .values({ practice_id: practiceId, name: 'Noord' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const room = await db
    .insertInto('rooms')
    .values({ practice_id: practiceId, location_id: location.id, name: 'Kamer 1' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = await db
    .insertInto('services')
    .values({ practice_id: practiceId, name: 'Intake', default_duration_minutes: 45, allowed_modes: ['video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invitation = await db
    .insertInto('invitations')
    .values({
      practice_id: practiceId,
      email: `inv-${crypto.randomUUID().slice(0, 6)}@test.example`,
      roles: ['back_office'],
      token_hash: crypto.randomBytes(32),
      invited_by: w.practice.owner.id,
      expires_at: new Date(Date.now() + 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const appointment = await insertAppointment(t.deps, {
    practiceId,
    serviceId: service.id,
    membershipId: w.authorMembershipId,
    clientId: w.clientId,
  });
  const absence = await db
    .insertInto('absences')
    .values({ practice_id: practiceId, kind: 'closure', starts_at: '2030-03-04T00:00:00Z', ends_at: '2030-03-05T00:00:00Z' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const waitlist = await populateWaitlist(t.deps, practiceId, {
    clientId: w.clientId,
    membershipId: w.authorMembershipId,
    marker: 'waitlist',
  });
  ids = {
    practice: practiceId,
    waitlistEntry: waitlist.waitlistEntryId,
    waitlistOffer: waitlist.waitlistOfferId,
    absence: absence.id,
    appointment: appointment.id,
    clinician: w.authorMembershipId,
    client: w.clientId,
    duplicate: duplicate.body.id,
    document: document.body.id,
    note: note.body.id,
    trajectory: trajectory.body.id,
    membership: spare,
    leadMembership: spare,
    location: location.id,
    room: room.id,
    service: service.id,
    invitation: invitation.id,
    relationship: relationship.body.id,
  };
  doc = (await new Client(t.url).get('/api/docs/json')).body;
});
after(() => t.close());

function operations(): Op[] {
  return Object.entries<JsonSchema>(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/practices/{practiceId}') || !path.includes('{'))
    .flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((method) => ({ method, path, op: ops[method] as JsonSchema })))
    .filter((o) => o.path.startsWith('/api/v1/practices/') || o.method === 'get');
}

/** Removes or merges data: walked last, and only by the owner. */
const destructive = (o: Op) => o.method === 'delete' || /\/(destruction|merge)$/.test(o.path);

const resolveRef = (ref: string): JsonSchema => doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {};
const idFor = (field: string) => {
  const id = ids[field.replace(/Ids?$/, '')];
  if (!id) throw new SamplerGap(`no object for ${field}`);
  return id;
};

async function call(c: Client, o: Op) {
  let url = o.path.replace(/\{(\w+)\}/g, (_, name: string) => idFor(name));
  const query = new URLSearchParams();
  for (const p of (o.op.parameters ?? []) as JsonSchema[]) {
    if (p.in === 'query' && p.required)
      query.set(p.name, String(sample(exampled(p as { schema: JsonSchema }), { idFor, text: 'Walker', resolveRef }, p.name)));
  }
  if (query.size > 0) url += `?${query.toString()}`;
  const content = o.op.requestBody?.content ?? {};
  if (content['application/json']) {
    let body: unknown;
    try {
      body = sample(exampled(content['application/json']), { idFor, text: 'Walker', resolveRef });
    } catch (err) {
      if (!(err instanceof SamplerGap)) throw err;
      body = {};
    }
    return c.request(o.method.toUpperCase(), url, body);
  }
  if (content['application/pdf']) return c.raw(o.method.toUpperCase(), url, PDF, 'application/pdf');
  const type = Object.keys(content)[0];
  if (type) return c.raw(o.method.toUpperCase(), url, Buffer.from('voornaam,achternaam,geboortedatum\nWalker,Test,01-01-1990\n'), type);
  return c.request(o.method.toUpperCase(), url);
}

/** Calls every operation; returns the routes whose answer held the marker and how many succeeded. */
async function sweep(c: Client, ops: Op[]) {
  const leaks: string[] = [];
  let ok = 0;
  for (const o of ops) {
    const res = await call(c, o);
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    if (text.includes(marker)) leaks.push(`${o.method.toUpperCase()} ${o.path}`);
    if (res.status >= 200 && res.status < 300) ok++;
  }
  return { leaks, ok };
}

async function walk(c: Client, who: string, ops: Op[]) {
  for (const o of ops) {
    const res = await call(c, o);
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    assert.ok(!text.includes(marker), `${who}: ${o.method.toUpperCase()} ${o.path} answered ${res.status} with the note's marker`);
    assert.ok(res.status < 500, `${who}: ${o.method.toUpperCase()} ${o.path} answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

describe('clinical-note marker', () => {
  it("is seen by the note's author, also by the same walk (the walk is not blind)", async () => {
    const { leaks, ok } = await sweep(
      w.author,
      operations().filter((o) => o.method === 'get'),
    );
    assert.ok(leaks.includes('GET /api/v1/practices/{practiceId}/clients/{clientId}/notes'), JSON.stringify(leaks));
    assert.ok(ok >= 15, `only ${ok} GET routes answered the author with success`);
    const list = await w.author.get(`${w.base}/clients/${w.clientId}/notes`);
    assert.ok(JSON.stringify(list.body).includes(marker));
    const own = await w.author.get(`${w.base}/clients/${w.clientId}/export.json?includeNotesOf=${w.authorMembershipId}`);
    assert.ok(JSON.stringify(own.body).includes(marker));
  });

  it('appears in no answer of any route to back office, billing and a co-clinician while sharing is off', async () => {
    const ops = operations().filter((o) => !destructive(o));
    assert.ok(ops.length >= 30, `only ${ops.length} routes walked`);
    await walk(w.backOffice, 'back office', ops);
    await walk(w.billing, 'billing', ops);
    await walk(w.colleague, 'co-clinician', ops);
  });

  it('is seen by a co-clinician once the practice shares notes', async () => {
    assert.equal((await w.owner.patch(`${w.base}/record-settings`, { notesSharedWithCoClinicians: true })).status, 200);
    const list = await w.colleague.get(`${w.base}/clients/${w.clientId}/notes`);
    assert.ok(JSON.stringify(list.body).includes(marker));
  });

  it('appears in no answer of any route to a clinician who does not treat the client, with sharing on, before and after break-the-glass', async () => {
    const user = await createUser(t.deps, { name: 'Dr. Vreemde' });
    await addMember(t.deps, w.practice.id, user, ['clinician']);
    const stranger = await signIn(t, user);
    const ops = operations().filter((o) => !destructive(o));
    await walk(stranger, 'non-treating clinician', ops);
    const glass = await stranger.post(`${w.base}/clients/${w.clientId}/break-glass`, { reason: 'Waarneming: cliënt belt met een crisis' });
    assert.equal(glass.status, 201);
    assert.equal((await stranger.get(`${w.base}/clients/${w.clientId}`)).status, 200);
    await walk(stranger, 'clinician after break-the-glass', ops);
  });

  it('appears in no answer of any route to the owner, even with sharing on, destructive routes last', async () => {
    const ops = operations();
    for (const m of [w.authorMembershipId, w.ownerMembershipId]) {
      const res = await w.owner.get(`${w.base}/clients/${w.clientId}/export.json?includeNotesOf=${m}`);
      assert.ok(!JSON.stringify(res.body).includes(marker));
    }
    await walk(w.owner, 'owner', [...ops.filter((o) => !destructive(o)), ...ops.filter(destructive)]);
  });

  it('is in no e-mail, no audit-log row and no history row', async () => {
    const like = `%${marker}%`;
    const mails = await t.deps.db
      .selectFrom('email_outbox')
      .select('id')
      .where(sql<boolean>`email_outbox::text LIKE ${like}`)
      .execute();
    assert.equal(mails.length, 0);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('id')
      .where(sql<boolean>`audit_log::text LIKE ${like}`)
      .execute();
    assert.equal(audit.length, 0);
    const history = await t.deps.db
      .selectFrom('client_history')
      .select('id')
      .where(sql<boolean>`client_history::text LIKE ${like}`)
      .execute();
    assert.equal(history.length, 0);
    const noteAudits = await t.deps.db
      .selectFrom('audit_log')
      .select('id')
      .where('entity_id', '=', ids.note ?? '')
      .execute();
    assert.ok(noteAudits.length >= 2, 'the note was audited');
  });
});
