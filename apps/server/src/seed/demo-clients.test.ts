import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkBsn } from '@calmdesk/shared';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { addMember, createTestPractice, createUser, signIn } from '../test/factories.ts';
import { seedDemoClients } from './demo-clients.ts';
import { fictitiousClientsCsv } from './fictitious-clients.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('demo clients', () => {
  it('generates the same valid fictitious list for the same seed', () => {
    assert.equal(fictitiousClientsCsv(30, 5), fictitiousClientsCsv(30, 5));
    assert.notEqual(fictitiousClientsCsv(30, 5), fictitiousClientsCsv(30, 6));
    const bsns = fictitiousClientsCsv(500, 9)
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(';')[5] ?? '')
      .filter(Boolean);
    assert.ok(bsns.length > 350);
    assert.equal(new Set(bsns).size, bsns.length, 'a BSN appears twice');
    assert.ok(bsns.every((b) => checkBsn(b).ok && b !== '249566758'));
  });

  it('imports 25 clients through the CSV import, with statuses, GPs, insurers and trajectories led by the clinicians', async () => {
    const p = await createTestPractice(t.deps);
    const clinician = await addMember(t.deps, p.id, await createUser(t.deps), ['clinician']);
    const created = await t.deps.db.transaction().execute((tx) => seedDemoClients(t.deps, tx, p.id, 1));
    assert.equal(created, 25);
    const owner = await signIn(t, p.owner);
    const list = await owner.get(`/api/v1/practices/${p.id}/clients?limit=100`);
    assert.equal(list.body.items.length, 25);
    assert.ok(new Set(list.body.items.map((c: { status: string }) => c.status)).size >= 3, 'statuses vary');
    const clients = await t.deps.db
      .selectFrom('clients')
      .select(['gp', 'insurer_uzovi', 'status'])
      .where('practice_id', '=', p.id)
      .execute();
    assert.ok(clients.some((c) => c.gp !== null) && clients.some((c) => c.insurer_uzovi !== null));
    const trajectories = await t.deps.db
      .selectFrom('care_trajectories')
      .select(['lead_membership_id', 'end_date'])
      .where('practice_id', '=', p.id)
      .execute();
    assert.equal(trajectories.length, clients.filter((c) => c.status === 'in_treatment' || c.status === 'discharged').length);
    assert.ok(trajectories.length > 0 && trajectories.every((tr) => tr.lead_membership_id === clinician));
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('reason')
      .where('practice_id', '=', p.id)
      .where('action', '=', 'client.import')
      .execute();
    assert.equal(audit.length, 25);
    assert.ok(audit.every((a) => a.reason === 'demo seed'));
  });

  it('makes the leads of open trajectories treat their clients, so a demo clinician sees exactly them', async () => {
    const p = await createTestPractice(t.deps);
    const user = await createUser(t.deps);
    await addMember(t.deps, p.id, user, ['clinician']);
    await t.deps.db.transaction().execute((tx) => seedDemoClients(t.deps, tx, p.id, 2));
    const inTreatment = await t.deps.db
      .selectFrom('clients')
      .select('id')
      .where('practice_id', '=', p.id)
      .where('status', '=', 'in_treatment')
      .orderBy('id')
      .execute();
    assert.ok(inTreatment.length > 0);
    const clinician = await signIn(t, user);
    const list = await clinician.get(`/api/v1/practices/${p.id}/clients?limit=100`);
    assert.deepEqual(
      list.body.items.map((c: { id: string }) => c.id).sort(),
      inTreatment.map((c) => c.id),
    );
    const ended = await t.deps.db
      .selectFrom('treatment_relationships')
      .select('end_reason')
      .where('practice_id', '=', p.id)
      .where('ended_at', 'is not', null)
      .execute();
    assert.ok(
      ended.length > 0 && ended.every((r) => r.end_reason === 'trajectory_closed'),
      'discharged clients have an ended relationship',
    );
  });
});
