import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDb } from './database.ts';

const url = process.env.TEST_DATABASE_URL ?? '';

describe('database pool', () => {
  it('survives the server closing an idle connection (restart, shutdown) and reconnects for the next query', async () => {
    const db = createDb(url, 2);
    // The superuser ends the connection (as a restart would); the app role may not end one that a
    // superuser login opened (with DATABASE_URL a superuser, connections SET ROLE calmdesk_app).
    const other = createDb(process.env.TEST_ADMIN_URL ?? '', 1);
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

  it('prepares a parameterised statement once per connection and reuses it, also after an error in a rolled-back transaction', async () => {
    const db = createDb(url, 1);
    try {
      const probe = (n: number) => sql<{ n: number }>`SELECT ${n}::int + 1 AS n`.execute(db);
      assert.equal((await probe(1)).rows[0]?.n, 2);
      assert.equal((await probe(41)).rows[0]?.n, 42);
      const prepared = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      assert.equal(prepared.rows.filter((r) => r.statement.includes('::int + 1 AS n')).length, 1, JSON.stringify(prepared.rows));

      // A statement that fails inside a transaction, then the same statement again.
      const divide = (d: number) => sql<{ q: number }>`SELECT 10 / ${d}::int AS q`.execute(db);
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await sql`SELECT 10 / ${0}::int`.execute(tx);
        }),
        /division by zero/,
      );
      await assert.rejects(divide(0), /division by zero/);
      assert.equal((await divide(5)).rows[0]?.q, 2);
    } finally {
      await db.destroy();
    }
  });
});
