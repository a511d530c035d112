import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { runningPostmaster, startEmbedded } from './embedded.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-embedded-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function query(url: string, text: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('recovers from a crashed parent that left the server running, keeping committed data', async () => {
    const first = await startEmbedded({ dataDir: dir, database: 'recovery' });
    await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives$$)');
    const orphan = runningPostmaster(path.join(dir, 'pgdata'));
    assert.ok(orphan, 'the first server is running');
    // The parent "crashes": it never calls stop(). A new start must take over by itself.
    const second = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      assert.notEqual(runningPostmaster(path.join(dir, 'pgdata'))?.pid, orphan.pid, 'the orphaned postmaster was replaced');
      assert.deepEqual(await query(second.url, 'SELECT v FROM kept'), [{ v: 'survives' }]);
    } finally {
      await second.stop();
    }
    assert.equal(runningPostmaster(path.join(dir, 'pgdata')), undefined, 'stop() shuts the server down');
  });

  it('starts over a stale postmaster.pid whose process is gone', async () => {
    const pidFile = path.join(dir, 'pgdata', 'postmaster.pid');
    fs.writeFileSync(pidFile, '999999\n/somewhere\n0\n5432\n');
    const cluster = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      assert.deepEqual(await query(cluster.url, 'SELECT v FROM kept'), [{ v: 'survives' }]);
    } finally {
      await cluster.stop();
    }
  });

  it('attaches to a server already running on the folder instead of starting a second one', async () => {
    const server = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      const attached = await startEmbedded({ dataDir: dir, database: 'recovery', attach: true });
      assert.equal(attached.port, server.port);
      await attached.stop(); // a no-op for an attached handle
      assert.deepEqual(await query(server.url, 'SELECT count(*)::int AS n FROM kept'), [{ n: 1 }]);
    } finally {
      await server.stop();
    }
  });
});
