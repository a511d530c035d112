import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDb } from './database.ts';

const url = process.env.TEST_DATABASE_URL ?? '';

describe('database pool', () => {
  it('survives the server closing an idle connection (restart, shutdown) and reconnects for the next query', async () => {
    const db = createDb(url, 2);
    const other = createDb(url, 1);
    try {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
      const pid = rows[0]?.pid;
      assert.ok(pid);
      const errors: unknown[] = [];
      const onUncaught = (err: unknown) => errors.push(err);
      process.on('uncaughtException', onUncaught);
      try {
        await sql`SELECT pg_terminate_backend(${pid})`.execute(other);
        await new Promise((r) => setTimeout(r, 300)); // the idle client receives the FATAL message
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      assert.deepEqual(errors, [], 'no uncaught error from the pool');
      const again = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      assert.equal(again.rows[0]?.one, 1);
    } finally {
      await db.destroy();
      await other.destroy();
    }
  });
});
