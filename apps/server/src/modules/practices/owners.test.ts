import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, signIn } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('owners under concurrency', () => {
  it('keeps one owner when two owners demote each other at the same moment, answering 200 and 409', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await createTestPractice(t.deps);
      const first = await t.deps.db.selectFrom('memberships').select('id').where('practice_id', '=', p.id).executeTakeFirstOrThrow();
      const second = await createUser(t.deps);
      const secondId = await addMember(t.deps, p.id, second, ['owner']);
      const [c1, c2] = await Promise.all([signIn(t, p.owner), signIn(t, second)]);
      const answers = await Promise.all([
        c1.patch(`/api/v1/practices/${p.id}/staff/${secondId}`, { roles: ['clinician'] }),
        c2.patch(`/api/v1/practices/${p.id}/staff/${first.id}`, { roles: ['clinician'] }),
      ]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409], JSON.stringify(answers.map((a) => a.body)));
      const owners = await t.deps.db
        .selectFrom('memberships')
        .select('id')
        .where('practice_id', '=', p.id)
        .where('active', '=', true)
        .where(sql<boolean>`roles @> ARRAY['owner']`)
        .execute();
      assert.equal(owners.length, 1);
    }
  });
});
