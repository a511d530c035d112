import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, randomBsn } from '../../test/factories.ts';
import { clientRowCounts, fieldPaths, minimalClient } from './clients.fixture.ts';
import { recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
let w: RecordsWorld;
before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
});
after(() => t.close());

interface Registered {
  id: string;
  clientNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
}
async function register(extra: Record<string, unknown> = {}): Promise<Registered> {
  const res = await w.backOffice.post(`${w.base}/clients`, minimalClient(extra));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
const clientUrl = (id: string) => `${w.base}/clients/${id}`;

interface HistoryEntry {
  userName: string | null;
  action: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}
async function history(id: string): Promise<HistoryEntry[]> {
  const res = await w.owner.get(`${clientUrl(id)}/history`);
  assert.equal(res.status, 200);
  return res.body.items;
}

describe('client status', () => {
  it('goes registered → intake → in treatment → discharged', async () => {
    const c = await register();
    for (const status of ['intake', 'in_treatment', 'discharged']) {
      const res = await w.backOffice.patch(clientUrl(c.id), { status });
      assert.equal(res.status, 200, `${status}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, status);
    }
  });

  it('refuses registered → in treatment with 409 naming body.status, and changes nothing', async () => {
    const c = await register();
    const res = await w.backOffice.patch(clientUrl(c.id), { status: 'in_treatment', phone: '+31 20 555 0000' });
    assert.equal(res.status, 409);
    assert.deepEqual(fieldPaths(res), ['body.status']);
    const now = await w.owner.get(clientUrl(c.id));
    assert.equal(now.body.status, 'registered');
    assert.equal(now.body.phone, null);
  });

  it('lets a discharged client return to intake, but not straight to treatment', async () => {
    const c = await register();
    for (const status of ['intake', 'discharged']) assert.equal((await w.backOffice.patch(clientUrl(c.id), { status })).status, 200);
    assert.equal((await w.backOffice.patch(clientUrl(c.id), { status: 'in_treatment' })).status, 409);
    assert.equal((await w.backOffice.patch(clientUrl(c.id), { status: 'intake' })).status, 200);
  });
});

describe('client history', () => {
  it('lists who changed which field from what to what, newest first', async () => {
    const c = await register({ phone: '+31 20 100 0000' });
    await w.backOffice.patch(clientUrl(c.id), { phone: '+31 20 200 0000', email: 'fleur@example.nl' });
    await w.owner.patch(clientUrl(c.id), { status: 'intake' });
    const items = await history(c.id);
    assert.deepEqual(
      items.map((h) => h.action),
      ['client.status', 'client.update', 'client.register'],
    );
    const [status, update, registered] = items;
    assert.deepEqual(status?.changes, { status: { from: 'registered', to: 'intake' } });
    assert.equal(update?.userName, 'Bea Backoffice');
    assert.deepEqual(update?.changes, {
      phone: { from: '+31 20 100 0000', to: '+31 20 200 0000' },
      email: { from: null, to: 'fleur@example.nl' },
    });
    assert.equal(registered?.userName, 'Bea Backoffice');
  });

  it('adds no entry for a change that changes nothing', async () => {
    const c = await register({ phone: '+31 20 100 0000' });
    assert.equal((await w.backOffice.patch(clientUrl(c.id), { phone: '+31 20 100 0000' })).status, 200);
    assert.equal((await history(c.id)).length, 1);
  });
});

describe('care trajectories', () => {
  const open = (clientId: string, body: Record<string, unknown> = {}) =>
    w.backOffice.post(`${clientUrl(clientId)}/trajectories`, { startDate: '2025-01-06', leadMembershipId: w.authorMembershipId, ...body });

  it('allows one open trajectory per client: of 10 concurrent requests exactly one succeeds', async () => {
    const c = await register();
    const replies = await Promise.all(Array.from({ length: 10 }, () => open(c.id, { careDemandType: 'depressie' })));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(9).fill(409)]);
    const list = await w.owner.get(`${clientUrl(c.id)}/trajectories`);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].open, true);
    assert.equal(list.body.items[0].leadName, 'Dr. Auteur');
  });

  it('allows a new trajectory once the open one is closed', async () => {
    const c = await register();
    const first = await open(c.id);
    assert.equal((await open(c.id, { startDate: '2025-09-01' })).status, 409);
    const closed = await w.backOffice.patch(`${clientUrl(c.id)}/trajectories/${first.body.id}`, { endDate: '2025-06-30' });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.open, false);
    assert.equal((await open(c.id, { startDate: '2025-06-15' })).status, 409, 'a start inside the closed trajectory overlaps it');
    const second = await open(c.id, { startDate: '2025-07-01' });
    assert.equal(second.status, 201, JSON.stringify(second.body));
  });

  it('refuses a lead who is not an active clinician of the practice, naming body.leadMembershipId', async () => {
    const c = await register();
    const elsewhere = await createTestPractice(t.deps);
    const foreign = await addMember(t.deps, elsewhere.id, await createUser(t.deps), ['clinician']);
    const backOfficeMember = await addMember(t.deps, w.practice.id, await createUser(t.deps), ['back_office']);
    const inactive = await addMember(t.deps, w.practice.id, await createUser(t.deps), ['clinician']);
    await t.deps.db.updateTable('memberships').set({ active: false }).where('id', '=', inactive).execute();
    for (const leadMembershipId of [foreign, backOfficeMember, inactive]) {
      const res = await open(c.id, { leadMembershipId });
      assert.equal(res.status, 400);
      assert.deepEqual(fieldPaths(res), ['body.leadMembershipId']);
    }
    assert.equal((await clientRowCounts(t, elsewhere.id)).trajectories, 0);
    assert.equal((await w.owner.get(`${clientUrl(c.id)}/trajectories`)).body.items.length, 0);
  });

  it('refuses an end date before the start date with 400 naming body.endDate', async () => {
    const c = await register();
    const tr = await open(c.id);
    const res = await w.backOffice.patch(`${clientUrl(c.id)}/trajectories/${tr.body.id}`, { endDate: '2024-12-31' });
    assert.equal(res.status, 400);
    assert.deepEqual(fieldPaths(res), ['body.endDate']);
  });

  it('refuses a trajectory of another client of the same practice with 404', async () => {
    const c = await register();
    const other = await register();
    const tr = await open(c.id);
    const res = await w.backOffice.patch(`${clientUrl(other.id)}/trajectories/${tr.body.id}`, { endDate: '2025-06-30' });
    assert.equal(res.status, 404);
  });
});

describe('merging two records', () => {
  it('moves trajectories and history, fills empty fields and leaves the duplicate pointing to the kept record', async () => {
    const bsn = randomBsn();
    const kept = await register({ bsn });
    const dup = await w.backOffice.post(`${w.base}/clients`, {
      firstName: kept.firstName,
      lastName: kept.lastName,
      dateOfBirth: kept.dateOfBirth,
      phone: '+31 6 1111 2222',
      address: { street: 'Keizersgracht', houseNumber: '1', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
      confirmNotDuplicate: true,
    });
    assert.equal(dup.status, 201);
    const tr = await w.backOffice.post(`${clientUrl(dup.body.id)}/trajectories`, {
      startDate: '2025-01-06',
      leadMembershipId: w.authorMembershipId,
    });
    assert.equal(tr.status, 201);

    const res = await w.backOffice.post(`${clientUrl(kept.id)}/merge`, { duplicateId: dup.body.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.bsn, bsn);
    assert.equal(res.body.phone, '+31 6 1111 2222');
    assert.equal(res.body.address.street, 'Keizersgracht');

    const trajectories = await w.owner.get(`${clientUrl(kept.id)}/trajectories`);
    assert.deepEqual(
      trajectories.body.items.map((x: { id: string }) => x.id),
      [tr.body.id],
    );
    const actions = (await history(kept.id)).map((h) => h.action);
    assert.equal(actions[0], 'client.merge');
    assert.deepEqual(actions.filter((a) => a === 'client.register').length, 2, 'the duplicate’s history moved over');
    assert.ok(actions.includes('trajectory.open'));

    const gone = await w.owner.get(clientUrl(dup.body.id));
    assert.equal(gone.status, 200);
    assert.equal(gone.body.mergedInto, kept.id);
    const found = await w.owner.get(`${w.base}/clients?q=${encodeURIComponent(kept.lastName)}`);
    const ids = found.body.items.map((x: { id: string }) => x.id);
    assert.ok(ids.includes(kept.id) && !ids.includes(dup.body.id), 'search shows the kept record, not the merged one');
    assert.equal((await w.backOffice.patch(clientUrl(dup.body.id), { phone: '+31 6 0000 0000' })).status, 409);
    assert.equal((await w.backOffice.post(`${clientUrl(kept.id)}/merge`, { duplicateId: dup.body.id })).status, 409);
  });

  it('refuses to merge clients with different BSNs, changing nothing', async () => {
    const a = await register({ bsn: randomBsn() });
    const b = await register({ bsn: randomBsn() });
    const res = await w.backOffice.post(`${clientUrl(a.id)}/merge`, { duplicateId: b.id });
    assert.equal(res.status, 409);
    assert.deepEqual(fieldPaths(res), ['body.duplicateId']);
    assert.equal((await w.owner.get(clientUrl(b.id))).body.mergedInto, null);
    assert.equal((await history(a.id)).length, 1);
  });

  it('refuses to merge a client into itself', async () => {
    const a = await register();
    const res = await w.backOffice.post(`${clientUrl(a.id)}/merge`, { duplicateId: a.id });
    assert.equal(res.status, 400);
    assert.deepEqual(fieldPaths(res), ['body.duplicateId']);
  });

  it('takes the BSN of the duplicate when the kept record has none', async () => {
    const bsn = randomBsn();
    const kept = await register();
    const dup = await register({ bsn });
    const res = await w.backOffice.post(`${clientUrl(kept.id)}/merge`, { duplicateId: dup.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.bsn, bsn);
    assert.equal((await w.owner.get(clientUrl(dup.id))).body.bsn, null);
    assert.equal((await w.backOffice.post(`${w.base}/clients`, minimalClient({ bsn }))).status, 409);
  });
});
