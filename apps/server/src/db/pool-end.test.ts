import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDb, warmPool } from './database.ts';

const url = process.env.TEST_DATABASE_URL ?? '';

describe('ending the database pool', () => {
  it('resolves only once the server has closed every connection (a database stopped right after reports none lost)', async () => {
    const name = `calmdesk-end-${crypto.randomUUID().slice(0, 8)}`;
    const db = createDb(url, 8, { applicationName: name });
    const watcher = createDb(url, 1);
    await sql`SELECT 1`.execute(watcher);
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const connections = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${name}`.execute(watcher)).rows[0]
        ?.n;
    try {
      await warmPool(db, 8);
      assert.equal(await connections(), 8);
      assert.equal(sockets(), before + 8);
      await db.destroy();
      assert.equal(sockets(), before, 'every socket of the pool is closed');
      // A backend leaves pg_stat_activity before its socket closes, so none may be left now.
      assert.equal(await connections(), 0);
    } finally {
      await watcher.destroy();
    }
  });
});
