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
    await query(first.ownerUrl, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives$$)');
    const orphan = runningPostmaster(path.join(dir, 'pgdata'));
    assert.ok(orphan, 'the first server is running');
    // The parent "crashes": it never calls stop(). A new start must take over by itself.
    const second = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      assert.notEqual(runningPostmaster(path.join(dir, 'pgdata'))?.pid, orphan.pid, 'the orphaned postmaster was replaced');
      assert.deepEqual(await query(second.ownerUrl, 'SELECT v FROM kept'), [{ v: 'survives' }]);
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
      assert.deepEqual(await query(cluster.ownerUrl, 'SELECT v FROM kept'), [{ v: 'survives' }]);
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
      assert.deepEqual(await query(server.ownerUrl, 'SELECT count(*)::int AS n FROM kept'), [{ n: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it('generates the passwords, keeps them readable by their owner only, and gives the server a role that is no superuser', async () => {
    const cluster = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      const file = path.join(dir, 'db-credentials.json');
      assert.equal(fs.statSync(file).mode & 0o077, 0, 'only the owner may read the credentials');
      const creds = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      assert.equal(new Set([creds.admin, creds.owner, creds.app]).size, 3);
      for (const pw of Object.values(creds)) assert.ok(pw.length >= 24 && pw !== 'calmdesk-embedded');
      const roles = await query(
        cluster.adminUrl,
        `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname IN ('calmdesk_owner', 'calmdesk_app') ORDER BY rolname`,
      );
      assert.deepEqual(roles, [
        { rolname: 'calmdesk_app', rolsuper: false, rolcreaterole: false, rolcreatedb: false },
        { rolname: 'calmdesk_owner', rolsuper: false, rolcreaterole: false, rolcreatedb: false },
      ]);
      await assert.rejects(query(cluster.url, 'CREATE TABLE nope (v text)'), /permission denied/);
      const port = cluster.port;
      await assert.rejects(
        query(`postgres://calmdesk:calmdesk-embedded@127.0.0.1:${port}/postgres`, 'SELECT 1'),
        /password authentication failed/,
      );
    } finally {
      await cluster.stop();
    }
  });

  it('replaces the fixed superuser password of a cluster made before passwords were generated', async () => {
    const first = await startEmbedded({ dataDir: dir, database: 'recovery' });
    // Make it look like an old cluster: the fixed password, no credentials file.
    await query(first.adminUrl, `ALTER ROLE calmdesk PASSWORD 'calmdesk-embedded'`);
    await first.stop();
    fs.rmSync(path.join(dir, 'db-credentials.json'));
    const second = await startEmbedded({ dataDir: dir, database: 'recovery' });
    try {
      assert.ok(fs.existsSync(path.join(dir, 'db-credentials.json')));
      await assert.rejects(
        query(`postgres://calmdesk:calmdesk-embedded@127.0.0.1:${second.port}/postgres`, 'SELECT 1'),
        /password authentication failed/,
      );
      assert.deepEqual(await query(second.ownerUrl, 'SELECT v FROM kept'), [{ v: 'survives' }]);
      assert.deepEqual(await query(second.url, 'SELECT current_user AS u'), [{ u: 'calmdesk_app' }]);
    } finally {
      await second.stop();
    }
  });
});
