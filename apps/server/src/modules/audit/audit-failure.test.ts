import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { createTestPractice, signIn } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('an access-log entry that cannot be written', () => {
  it('makes the read fail without returning data, and rolls back the change it belonged to', async () => {
    const practice = await createTestPractice(t.deps, { name: 'Audit Failure Practice' });
    const owner = await signIn(t, practice.owner);
    // Sabotage the log for this practice only (other tests run concurrently on other practices).
    const fn = `audit_fail_${practice.id.replaceAll('-', '')}`;
    await sql
      .raw(
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           IF NEW.practice_id = '${practice.id}' THEN RAISE EXCEPTION 'audit storage unavailable'; END IF;
           RETURN NEW; END $$;
         CREATE TRIGGER ${fn} BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
      )
      .execute(t.admin());
    try {
      const staff = await owner.get(`/api/v1/practices/${practice.id}/staff`);
      assert.equal(staff.status, 500);
      assert.equal(staff.body.error.code, 'internal');
      assert.doesNotMatch(JSON.stringify(staff.body), new RegExp(practice.owner.email));

      const rename = await owner.patch(`/api/v1/practices/${practice.id}`, { name: 'Renamed without a trace' });
      assert.equal(rename.status, 500);
      const row = await t.deps.db.selectFrom('practices').select('name').where('id', '=', practice.id).executeTakeFirstOrThrow();
      assert.equal(row.name, 'Audit Failure Practice', 'the change was rolled back with its audit entry');
    } finally {
      await sql.raw(`DROP TRIGGER ${fn} ON audit_log; DROP FUNCTION ${fn}();`).execute(t.admin());
    }
    const again = await owner.get(`/api/v1/practices/${practice.id}/staff`);
    assert.equal(again.status, 200);
  });
});
