import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { ageSecondFactor } from '../../test/factories.ts';
import { clientBody, documentCounts, PDF, recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
let w: RecordsWorld;

before(async () => {
  t = await startTestApp();
  w = await recordsWorld(t);
});
after(() => t.close());

/** A fresh client with a note, a document and a trajectory. */
async function filledClient() {
  const body = clientBody();
  const c = await w.backOffice.post(`${w.base}/clients`, body);
  assert.equal(c.status, 201);
  const url = `${w.base}/clients/${c.body.id}`;
  assert.equal(
    (await w.backOffice.raw('POST', `${url}/documents?label=consent&fileName=toestemming.pdf`, PDF, 'application/pdf')).status,
    201,
  );
  // Opened by the back office, the trajectory makes its lead a treating clinician, who writes a note.
  const tr = await w.backOffice.post(`${url}/trajectories`, {
    startDate: '2026-01-05',
    leadMembershipId: w.authorMembershipId,
    careDemandType: 'depressie',
  });
  assert.equal(tr.status, 201, JSON.stringify(tr.body));
  assert.equal((await w.author.post(`${url}/notes`, { kind: 'session', sessionDate: '2026-01-05', body: 'Sessie 1' })).status, 201);
  return { id: c.body.id as string, url, body, number: c.body.clientNumber as string };
}

const rowsOf = async (clientId: string) => ({
  notes: (await t.deps.db.selectFrom('clinical_notes').select('id').where('client_id', '=', clientId).execute()).length,
  documents: (await t.deps.db.selectFrom('documents').select('id').where('client_id', '=', clientId).execute()).length,
  audit: (await t.deps.db.selectFrom('audit_log').select('id').where('client_id', '=', clientId).execute()).length,
});

describe('destruction request', () => {
  it("removes notes and documents, pseudonymises the person, and keeps number, trajectories and audit lines on the client's request", async () => {
    const c = await filledClient();
    const auditBefore = (await rowsOf(c.id)).audit;
    const blobsBefore = (await documentCounts(t, w.practice.id)).blobs;
    const res = await w.owner.post(`${c.url}/destruction`, { basis: 'client_request', requestReceivedOn: '2026-01-10', note: 'per brief' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.pseudonym, /^Vernietigd dossier [2-9A-Z]{4}$/);
    assert.equal(res.body.notesRemoved, 1);
    assert.equal(res.body.documentsRemoved, 1);
    const after = await rowsOf(c.id);
    assert.equal(after.notes, 0);
    assert.equal(after.documents, 0);
    assert.ok(after.audit > auditBefore, 'audit lines are kept and the destruction added one');
    assert.equal((await documentCounts(t, w.practice.id)).blobs, blobsBefore - 1);

    const got = await w.owner.get(c.url);
    assert.equal(got.status, 200);
    assert.equal(got.body.id, c.id);
    assert.equal(got.body.clientNumber, c.number);
    assert.equal(got.body.displayName, res.body.pseudonym);
    assert.equal(got.body.destroyed, true);
    for (const field of ['bsn', 'email', 'phone', 'address', 'gp', 'emergencyContact']) assert.equal(got.body[field], null, field);
    const everything = JSON.stringify([got.body, (await w.owner.get(`${c.url}/history`)).body]);
    for (const secret of [c.body.firstName, c.body.lastName, c.body.bsn, c.body.email, c.body.gp.name, c.body.emergencyContact.name]) {
      assert.ok(!everything.includes(secret), `still shows ${secret}`);
    }
    const trajectories = await w.owner.get(`${c.url}/trajectories`);
    assert.equal(trajectories.body.items.length, 1);
    assert.equal(trajectories.body.items[0].careDemandType, 'depressie');
    const history = (await w.owner.get(`${c.url}/history`)).body.items.map((h: { action: string }) => h.action);
    assert.equal(history[0], 'client.destroy');
    const recorded = await t.deps.db.selectFrom('destruction_requests').selectAll().where('client_id', '=', c.id).execute();
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.basis, 'client_request');
    assert.equal(recorded[0]?.request_received_on, '2026-01-10');
    // Search no longer finds the person, and a second destruction is a conflict.
    assert.equal((await w.owner.get(`${w.base}/clients?q=${encodeURIComponent(c.body.lastName)}`)).body.items.length, 0);
    assert.equal((await w.owner.post(`${c.url}/destruction`, { basis: 'client_request', requestReceivedOn: '2026-01-10' })).status, 409);
    assert.equal((await w.author.post(`${c.url}/notes`, { kind: 'free', body: 'na vernietiging' })).status, 404);
  });

  it('refuses retention_expired while the retention period runs (409), and allows it once it has passed', async () => {
    const c = await filledClient();
    const before = await rowsOf(c.id);
    const res = await w.owner.post(`${c.url}/destruction`, { basis: 'retention_expired' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.fields[0].path, 'body.basis');
    assert.match(res.body.error.message, /20 years .* runs until \d{4}-\d{2}-\d{2}/);
    assert.deepEqual({ ...(await rowsOf(c.id)), audit: 0 }, { ...before, audit: 0 });
    await t.deps.db
      .updateTable('clients')
      .set({ last_clinical_change_at: new Date('2004-01-01T00:00:00Z') })
      .where('id', '=', c.id)
      .execute();
    const ok = await w.owner.post(`${c.url}/destruction`, { basis: 'retention_expired' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('needs the owner with a recent second factor, and a received date for a client request', async () => {
    const c = await filledClient();
    const before = await rowsOf(c.id);
    for (const other of [w.backOffice, w.billing, w.author]) {
      assert.equal((await other.post(`${c.url}/destruction`, { basis: 'client_request', requestReceivedOn: '2026-01-10' })).status, 403);
    }
    const missing = await w.owner.post(`${c.url}/destruction`, { basis: 'client_request' });
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.body.error.fields.map((f: { path: string }) => f.path),
      ['body.requestReceivedOn'],
    );
    const future = await w.owner.post(`${c.url}/destruction`, { basis: 'client_request', requestReceivedOn: '2999-01-01' });
    assert.equal(future.status, 400);
    const unknown = await w.owner.post(`${c.url}/destruction`, { basis: 'because' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.fields[0].path, 'body.basis');
    await ageSecondFactor(t.deps, w.practice.owner, 60);
    const stale = await w.owner.post(`${c.url}/destruction`, { basis: 'client_request', requestReceivedOn: '2026-01-10' });
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'step_up_required');
    const after = await rowsOf(c.id);
    assert.equal(after.notes, before.notes);
    assert.equal(after.documents, before.documents);
    assert.equal(
      (await t.deps.db.selectFrom('clients').select('destroyed_at').where('id', '=', c.id).executeTakeFirstOrThrow()).destroyed_at,
      null,
    );
  });
});
