import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { randomBsn } from '../../test/factories.ts';
import { fieldPaths, minimalClient, ownPractice } from './clients.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('one live client per BSN', () => {
  it('lets exactly one of 10 concurrent edits give different clients the same BSN', async () => {
    const { practice, base, owner } = await ownPractice(t);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await owner.post(`${base}/clients`, minimalClient());
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    }
    const bsn = randomBsn();
    const results = await Promise.all(ids.map((id) => owner.patch(`${base}/clients/${id}`, { bsn })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array<number>(9).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) assert.deepEqual(fieldPaths(r), ['body.bsn']);
    const holders = await t.deps.db
      .selectFrom('clients')
      .select('id')
      .where('practice_id', '=', practice.id)
      .where('bsn', '=', bsn)
      .execute();
    assert.equal(holders.length, 1);
  });

  it('allows the same BSN in two different practices', async () => {
    const one = await ownPractice(t);
    const two = await ownPractice(t);
    const bsn = randomBsn();
    assert.equal((await one.owner.post(`${one.base}/clients`, minimalClient({ bsn }))).status, 201);
    assert.equal((await two.owner.post(`${two.base}/clients`, minimalClient({ bsn }))).status, 201);
  });
});
