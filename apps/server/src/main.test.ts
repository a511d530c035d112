import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { freePort, runningPostmaster } from './db/embedded.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-main-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function startServer(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CALMDESK_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  };
  // As a newcomer runs it: no database URL, no key, the seal file beside the data.
  delete env.DATABASE_URL;
  delete env.SECRET_KEY;
  delete env.AUDIT_SEAL_FILE;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server not ready in 60 s:\n${out}`);
    try {
      // The ready line (with the seed summary) is printed right after the port opens.
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok && out.includes('Calmdesk ready')) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, output: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

async function countPractices(): Promise<number> {
  const running = runningPostmaster(path.join(dataDir, 'pgdata'));
  assert.ok(running);
  // The owner's generated password, from the credentials file an operator would read.
  const creds = JSON.parse(fs.readFileSync(path.join(dataDir, 'db-credentials.json'), 'utf8')) as { owner: string };
  const c = new pg.Client({ host: '127.0.0.1', port: running.port, user: 'calmdesk_owner', password: creds.owner, database: 'calmdesk' });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM practices')).rows[0]?.n ?? -1;
  } finally {
    await c.end();
  }
}

describe('npm start with the embedded database', () => {
  it('starts with the demo practices, and Ctrl-C stops the server and its database cleanly', async () => {
    const server = await startServer();
    assert.match(server.output(), /Demo data loaded/);
    assert.equal(await countPractices(), 2);
    server.child.kill('SIGINT');
    assert.equal(await exited(server.child), 0, server.output());
    assert.match(server.output(), /stopped cleanly/);
    // Nothing was cut off by the database stopping under it (scripts/check-clean-stop.ts repeats this).
    assert.doesNotMatch(server.output(), /connection lost|background jobs:|could not stop/);
    assert.equal(runningPostmaster(path.join(dataDir, 'pgdata')), undefined, 'no postgres left running');
    assert.match(fs.readFileSync(path.join(dataDir, 'postgres.log'), 'utf8'), /database system is shut down/);
    // Stopping sealed the access log, in the file beside the data: both demo practices and the accounts.
    const seals = fs.readFileSync(path.join(dataDir, 'audit-seals.jsonl'), 'utf8').trim().split('\n');
    assert.ok(new Set(seals.map((l) => (JSON.parse(l) as { chain: string }).chain)).size >= 3, seals.join('\n'));
  });

  it('recovers after the server was killed, keeping the data and not seeding twice', async () => {
    const first = await startServer();
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok(runningPostmaster(path.join(dataDir, 'pgdata')), 'the killed server left its database running');
    const second = await startServer();
    try {
      assert.equal(await countPractices(), 2);
      assert.doesNotMatch(second.output(), /Demo data loaded/);
      const res = await fetch(`http://127.0.0.1:${second.port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'sanne@backoffice.example', password: 'calmdesk-demo-2026' }),
      });
      assert.equal(res.status, 200);
    } finally {
      second.child.kill('SIGINT');
      assert.equal(await exited(second.child), 0, second.output());
    }
  });
});
