import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { minimalClient, ownPractice } from './clients.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe("a care trajectory's end date is read on the practice's calendar", () => {
  it('is closed after midnight in Amsterdam the day after its end date, while the UTC date still is that end date', async () => {
    const { practice, base, owner } = await ownPractice(t);
    const client = await owner.post(`${base}/clients`, minimalClient());
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const lead = await t.deps.db.selectFrom('memberships').select('id').where('practice_id', '=', practice.id).executeTakeFirstOrThrow();
    const row = (startDate: string, endDate: string) => ({
      practice_id: practice.id,
      client_id: client.body.id as string,
      start_date: startDate,
      end_date: endDate,
      lead_membership_id: lead.id,
    });
    await t.deps.db
      .insertInto('care_trajectories')
      .values([row('2026-01-05', '2026-07-13'), row('2026-07-01', '2026-07-14')])
      .execute();

    // 13 July 2026 22:30 UTC = 14 July 00:30 in Amsterdam (the test practice's zone).
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-07-13T22:30:00Z') });
    let list;
    try {
      list = await owner.get(`${base}/clients/${client.body.id}/trajectories`);
    } finally {
      mock.timers.reset();
    }
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const open = Object.fromEntries(list.body.items.map((x: { endDate: string; open: boolean }) => [x.endDate, x.open]));
    assert.deepEqual(open, { '2026-07-13': false, '2026-07-14': true });
  });
});
