import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

const BIN = path.resolve(import.meta.dirname, '../bin/calmdesk.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-cli-import-'));
let db: pg.Client;
/** A fresh practice for the numbering test, and one shared by tests that must leave it unchanged or count from it. */
let fresh: string;
let shared: string;

function calmdesk(...args: string[]) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('run with npm test');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: url, DATABASE_OWNER_URL: process.env.TEST_OWNER_URL, NODE_ENV: 'test' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A new practice through the CLI itself; returns its id. */
function newPractice(): string {
  const email = `import-${crypto.randomUUID().slice(0, 8)}@test.example`;
  assert.equal(calmdesk('user', 'create', '--email', email, '--name', 'Import Owner', '--password', 'a-long-cli-password-77').code, 0);
  const created = calmdesk('practice', 'create', '--name', 'Import Praktijk', '--owner', email);
  const id = /\(([0-9a-f-]{36})\)/.exec(created.out)?.[1];
  assert.ok(id, created.out + created.err);
  return id;
}

async function clientCount(practiceId: string): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM clients WHERE practice_id = $1', [practiceId]);
  return Number(r.rows[0]?.n);
}

before(async () => {
  db = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  fresh = newPractice();
  shared = newPractice();
});
after(async () => {
  await db.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('calmdesk clients import', () => {
  it('reports per row in a dry run and saves nothing, then imports and skips the duplicates on a second run', async () => {
    const practice = fresh;
    const file = writeCsv('list.csv', [
      'voornaam;achternaam;geboortedatum;postcode;huisnummer;straat;woonplaats',
      'Piet;Dijk;03-04-1975;1234 AB;5;Verzonnenlaan;Nergenshuizen',
      'Piet;Dijk;03-04-1975;;;;',
      'Sara;Smit;24-12-2001;;;;',
    ]);
    const dry = calmdesk('clients', 'import', file, '--practice', practice, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /row 3: duplicate of row 2 \(name and date of birth\), skipped/);
    assert.match(dry.out, /dry run, nothing saved — 3 rows: 2 to create, 1 duplicate, 0 invalid/);
    assert.equal(await clientCount(practice), 0);

    const real = calmdesk('clients', 'import', file, '--practice', practice);
    assert.equal(real.code, 0, real.err);
    assert.match(real.out, /imported — 3 rows: 2 created, 1 duplicate, 0 invalid \(C-000001 … C-000002\)/);
    assert.equal(await clientCount(practice), 2);
    const audit = await db.query<{ user_id: string | null; reason: string }>(
      `SELECT user_id, reason FROM audit_log WHERE practice_id = $1 AND action = 'client.import'`,
      [practice],
    );
    assert.equal(audit.rows.length, 2);
    assert.ok(audit.rows.every((r) => r.user_id === null && r.reason === 'cli'));

    const again = calmdesk('clients', 'import', file, '--practice', practice);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /row 2: duplicate of client C-000001/);
    assert.match(again.out, /0 created, 3 duplicate/);
    assert.equal(await clientCount(practice), 2);
  });

  it('exits 2 with a clear message for a missing file, a bad or unknown practice and a bad mapping', () => {
    const practice = shared;
    const file = writeCsv('ok.csv', ['voornaam,achternaam,geboortedatum', 'Piet,Dijk,03-04-1975']);
    const missing = calmdesk('clients', 'import', path.join(dir, 'nope.csv'), '--practice', practice);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file: .*nope\.csv/);
    const badId = calmdesk('clients', 'import', file, '--practice', '12');
    assert.equal(badId.code, 2);
    assert.match(badId.err, /--practice/);
    const unknown = calmdesk('clients', 'import', file, '--practice', crypto.randomUUID());
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--practice: no practice with id/);
    const badMapping = calmdesk('clients', 'import', file, '--practice', practice, '--mapping', '{"voornaam":"nickname"}');
    assert.equal(badMapping.code, 2);
    assert.match(badMapping.err, /--mapping/);
    const noPractice = calmdesk('clients', 'import', file);
    assert.equal(noPractice.code, 2);
    assert.match(noPractice.err, /--practice/);
  });

  it('exits 2 naming the line for a broken file, and the rows for invalid ones, saving nothing', async () => {
    const practice = shared;
    const before = await clientCount(practice);
    const quote = writeCsv('quote.csv', ['voornaam,achternaam,geboortedatum', 'Piet,Dijk,03-04-1975', 'Kees,"Bos,01-01-1990']);
    const broken = calmdesk('clients', 'import', quote, '--practice', practice);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /line 3 \(column "achternaam"\) opens a quoted value that is never closed/);
    const latin1 = path.join(dir, 'latin1.csv');
    fs.writeFileSync(latin1, Buffer.from('voornaam,achternaam,geboortedatum\nZoë,Müller,01-01-1990\n', 'latin1'));
    const encoding = calmdesk('clients', 'import', latin1, '--practice', practice);
    assert.equal(encoding.code, 2);
    assert.match(encoding.err, /line 2 is not UTF-8/);
    const invalid = writeCsv('invalid.csv', [
      'voornaam,achternaam,geboortedatum,bsn',
      'Piet,Dijk,03-04-1975,',
      'Kees,Bos,1990-02-30,123456789',
    ]);
    const refused = calmdesk('clients', 'import', invalid, '--practice', practice);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /1 of 2 rows are invalid; nothing was imported/);
    assert.match(refused.err, /row 3, column "geboortedatum": this date does not exist/);
    assert.match(refused.err, /row 3, column "bsn": .*eleven-test/);
    assert.equal(await clientCount(practice), before);
  });

  it('refuses in the dry run and in the import the row whose cell holds a NUL or a text-direction override, saving nothing', async () => {
    const practice = shared;
    const before = await clientCount(practice);
    const file = writeCsv('hostile.csv', ['voornaam,achternaam,geboortedatum', 'Piet,Dijk\u0000,03-04-1975', 'Kees,\u202EsoB,01-01-1990']);
    const dry = calmdesk('clients', 'import', file, '--practice', practice, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /row 2: invalid — achternaam: contains a control character \(U\+0000\) at position 5/);
    assert.match(dry.out, /row 3: invalid — achternaam: contains an invisible text-direction control \(U\+202E\) at position 1/);
    assert.match(dry.out, /2 rows: 0 to create, 0 duplicate, 2 invalid/);
    const real = calmdesk('clients', 'import', file, '--practice', practice);
    assert.equal(real.code, 2);
    assert.match(real.err, /row 2, column "achternaam": contains a control character \(U\+0000\)/);
    assert.match(real.err, /row 3, column "achternaam": contains an invisible text-direction control/);
    assert.equal(await clientCount(practice), before);
  });

  it('shows a progress bar on stderr for a large file', async () => {
    const practice = shared;
    const before = await clientCount(practice);
    const rows = Array.from({ length: 1500 }, (_, i) => `Cli${i},Achternaam${i},${String((i % 28) + 1).padStart(2, '0')}-06-1970`);
    const file = writeCsv('large.csv', ['voornaam,achternaam,geboortedatum', ...rows]);
    const r = calmdesk('clients', 'import', file, '--practice', practice);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /saving\s+\[#{20}\] 1500\/1500 100%/);
    assert.equal(await clientCount(practice), before + 1500);
  });
});
