import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { removeTail, rewriteEntry } from '../../server/src/test/audit-attack.ts';
import { adminUrl } from '../../server/src/test/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/calmdesk.js');

function calmdesk(...args: string[]) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('run with npm test');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: url, DATABASE_OWNER_URL: process.env.TEST_OWNER_URL, NODE_ENV: 'test' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Appends `n` access-log entries to a practice's chain, as the application role would. */
async function writeEntries(practiceId: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    for (let i = 0; i < n; i++) {
      await c.query(
        `INSERT INTO audit_log (practice_id, action, outcome, data_category, legal_basis) VALUES ($1, 'staff.list', 'ok', 'staff', 'legitimate_interest')`,
        [practiceId],
      );
    }
  } finally {
    await c.end();
  }
}

describe('the calmdesk command', () => {
  it('lists its commands with --help', () => {
    const r = calmdesk('--help');
    assert.equal(r.code, 0);
    for (const cmd of ['migrate', 'seed', 'user', 'practice', 'audit']) assert.match(r.out, new RegExp(`\\b${cmd}\\b`));
  });

  it('rejects bad arguments with a message naming the option and exit code 2', () => {
    const missing = calmdesk('practice', 'create', '--name', 'X');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--owner/);
    const badEmail = calmdesk('user', 'create', '--email', 'not-an-email', '--name', 'A', '--password', 'long-enough-password-1');
    assert.equal(badEmail.code, 2);
    assert.match(badEmail.err, /--email/);
    const weak = calmdesk('user', 'create', '--email', 'weak@test.example', '--name', 'A', '--password', 'short');
    assert.equal(weak.code, 2);
    assert.match(weak.err, /at least 12 characters/);
    const badZone = calmdesk('practice', 'create', '--name', 'X', '--owner', 'x@test.example', '--time-zone', 'Mars/Olympus');
    assert.equal(badZone.code, 2);
    assert.match(badZone.err, /--time-zone/);
    const badId = calmdesk('audit', 'verify', '--practice', '12');
    assert.equal(badId.code, 2);
    assert.match(badId.err, /--practice/);
  });

  it('migrates, creates a user and a practice, and verifies the access log', () => {
    assert.equal(calmdesk('migrate').code, 0);
    const email = `cli-${crypto.randomUUID().slice(0, 8)}@test.example`;
    const user = calmdesk('user', 'create', '--email', email, '--name', 'Cli Owner', '--password', 'a-long-cli-password-77');
    assert.equal(user.code, 0, user.err);
    const dup = calmdesk('user', 'create', '--email', email, '--name', 'Again', '--password', 'a-long-cli-password-77');
    assert.equal(dup.code, 2);
    assert.match(dup.err, /already exists/);
    const practice = calmdesk('practice', 'create', '--name', 'CLI Praktijk', '--owner', email);
    assert.equal(practice.code, 0, practice.err);
    const id = /\(([0-9a-f-]{36})\)/.exec(practice.out)?.[1];
    assert.ok(id, practice.out);
    const verify = calmdesk('audit', 'verify', '--practice', id);
    assert.equal(verify.code, 0, verify.err);
    assert.match(verify.out, /ok\s+practice .*: 1 entries/);
  });

  async function sealedPractice(name: string): Promise<string> {
    const email = `${name}-${crypto.randomUUID().slice(0, 8)}@test.example`;
    assert.equal(calmdesk('user', 'create', '--email', email, '--name', 'T', '--password', 'a-long-cli-password-77').code, 0);
    const created = calmdesk('practice', 'create', '--name', 'Tamper Praktijk', '--owner', email);
    const id = /\(([0-9a-f-]{36})\)/.exec(created.out)?.[1] ?? '';
    // Two more entries in the practice's chain, then a seal over all three.
    await writeEntries(id, 2);
    const sealed = calmdesk('audit', 'seal');
    assert.equal(sealed.code, 0, sealed.err);
    const ok = calmdesk('audit', 'verify', '--practice', id);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /ok\s+practice .*: 3 entries, sealed up to 3/);
    return id;
  }

  it('exits 1 when a superuser rewrote an entry and recomputed the chain (the seal catches it)', async () => {
    const id = await sealedPractice('rewrite');
    await rewriteEntry(adminUrl(), id, 2, 'nothing to see here');
    const verify = calmdesk('audit', 'verify', '--practice', id);
    assert.equal(verify.code, 1, verify.out);
    assert.match(verify.out, /BROKEN .*practice/);
    assert.match(verify.out, /no longer matches its seal/);
  });

  it('exits 1 when entries were removed from the end before the last seal', async () => {
    const id = await sealedPractice('tail');
    await removeTail(adminUrl(), id, 1);
    const verify = calmdesk('audit', 'verify', '--practice', id);
    assert.equal(verify.code, 1, verify.out);
    assert.match(verify.out, /entries were removed/);
  });

  it('prints the development mailbox link with the key of the data folder, and refuses when mail goes out through SMTP', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-cli-outbox-'));
    try {
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, [BIN, 'dev', 'outbox-url'], {
          env: { ...process.env, NODE_ENV: 'test', CALMDESK_DATA_DIR: dataDir, PUBLIC_URL: 'http://calmdesk.test:3000', ...env },
          encoding: 'utf8',
        });
      const first = run({});
      assert.equal(first.status, 0, first.stderr);
      const key = fs.readFileSync(path.join(dataDir, 'dev-outbox-key'), 'utf8').trim();
      assert.equal(first.stdout.trim(), `http://calmdesk.test:3000/dev/outbox#key=${key}`);
      assert.equal(run({}).stdout, first.stdout, 'the same key on every run');
      const smtp = run({ SMTP_URL: 'smtp://mail.test:587' });
      assert.equal(smtp.status, 2);
      assert.match(smtp.stderr, /no development mailbox/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
