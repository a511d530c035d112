/**
 * `npm test`: starts a PostgreSQL for the run — the embedded one, or a fresh database on the
 * server in DATABASE_URL — migrates it, then runs node's test runner over the test files
 * (unit and HTTP integration tests; `--browser` runs the Chromium journeys instead).
 * Node's closing summary is the last thing printed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { prepareDatabase } from '../apps/server/src/db/database.ts';
import { startEmbedded } from '../apps/server/src/db/embedded.ts';

const browser = process.argv.includes('--browser');
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

async function externalDatabase(url: string) {
  const name = `calmdesk_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    ownerUrl: u.toString(),
    adminUrl: u.toString(),
    label: `external PostgreSQL (${u.host}, database ${name})`,
    close: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function embeddedDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-test-'));
  const cluster = await startEmbedded({ dataDir: dir, database: 'calmdesk_test' });
  return {
    url: cluster.url,
    ownerUrl: cluster.ownerUrl,
    adminUrl: cluster.adminUrl,
    label: `embedded PostgreSQL (port ${cluster.port})`,
    close: async () => {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const root = path.resolve(import.meta.dirname, '..');
const all = findTests(root).map((f) => path.relative(root, f));
const files = all
  .filter((f) => (browser ? f.startsWith('tests/browser/') : !f.startsWith('tests/browser/')))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const database = process.env.DATABASE_URL ? await externalDatabase(process.env.DATABASE_URL) : await embeddedDatabase();
console.log(`test database: ${database.label}`);
// As the server does: migrations and grants as the owner, the tests' requests as calmdesk_app.
const prepared = await prepareDatabase({ ...database, embedded: undefined }, { env: 'test' });
// Seals of this run go to a file of this run, never into the working tree's data folder.
const sealDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-seals-'));

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${browser ? 1 : 2}`, ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_DATABASE_URL: prepared.appUrl,
        TEST_OWNER_URL: database.ownerUrl,
        // A superuser of the same database, for tests that play the attacker who controls it.
        TEST_ADMIN_URL: database.adminUrl,
        AUDIT_SEAL_FILE: path.join(sealDir, 'audit-seals.jsonl'),
        // The key the test harness uses too, so a CLI run by a test checks the same seals.
        SECRET_KEY: createHash('sha256').update('calmdesk-test-key').digest('hex'),
        NODE_ENV: 'test',
      },
    },
  );
  child.on('exit', (c) => resolve(c ?? 1));
});
await database.close();
fs.rmSync(sealDir, { recursive: true, force: true });
process.exit(code);
