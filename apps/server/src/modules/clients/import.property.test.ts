/**
 * Property tests of the CSV import: whatever the file — valid, broken quotes, Windows-1252,
 * random bytes, a missing column, invalid fields, cut off mid-way — a refused import changes
 * nothing, and a successful one creates exactly the rows its dry run said it would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { createTestPractice, signIn, type TestPractice } from '../../test/factories.ts';

let t: TestApp;
let practice: TestPractice;
let owner: Client;
before(async () => {
  t = await startTestApp();
  practice = await createTestPractice(t.deps);
  owner = await signIn(t, practice.owner);
});
after(() => t.close());

/** Valid values from small pools, so duplicates (in the file and with earlier imports) happen. */
const BSNS = ['', '', '111222333', '123456782', '012345672', '12345672'];
const FIRST = ['Jan', 'Piet', 'Zoë', 'Anouk', 'Jan, Piet', 'Sem "Sammy"', 'Fleur\nMarie'];
const LAST = ['Jansen', 'de Vries', 'Bakker', "D'Hondt", 'Müller'];
const DATES = ['03-04-1975', '1975-04-03', '1-1-2001', '24/12/1988', '29-02-2000'];
/** One bad value per column: a row carrying it is invalid. */
const BAD = [
  ['', ' ', '', '', ''],
  ['', '', '', '', ''],
  ['31-02-1990', '2999-01-01', 'gisteren', '', '13-13-2000'],
  ['123456789', '999999999', '000000000', '12345', 'abc'],
  ['12', 'abcd', '33110', '', ''],
].map((pool, column) => pool.filter((v) => v !== '' || column < 3));

const row = fc.record({
  first: fc.constantFrom(...FIRST),
  last: fc.constantFrom(...LAST),
  date: fc.constantFrom(...DATES),
  bsn: fc.constantFrom(...BSNS),
  uzovi: fc.constantFrom('', '3311', '7029'),
});
type Row = { first: string; last: string; date: string; bsn: string; uzovi: string };

const HEADER = ['voornaam', 'achternaam', 'geboortedatum', 'bsn', 'uzovi'];

function render(rows: Row[], delimiter: string, quoteAll: boolean, drop: number | null): string {
  const cell = (v: string) => (quoteAll || /[",;\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const line = (cells: string[]) =>
    cells
      .filter((_, i) => i !== drop)
      .map(cell)
      .join(delimiter);
  return [line(HEADER), ...rows.map((r) => line([r.first, r.last, r.date, r.bsn, r.uzovi]))].join('\r\n') + '\r\n';
}

type Damage =
  | { kind: 'none' }
  | { kind: 'quote'; at: number }
  | { kind: 'latin1' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'cut'; at: number }
  | { kind: 'drop'; column: number }
  | { kind: 'field'; row: number; column: number; pick: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('field' as const), row: fc.nat(), column: fc.nat({ max: 4 }), pick: fc.nat() }),
  fc.record({ kind: fc.constant('quote' as const), at: fc.nat() }),
  fc.constant({ kind: 'latin1' as const }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 0, maxLength: 300 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), column: fc.nat({ max: 2 }) }),
);

const file = fc.record({
  rows: fc.array(row, { minLength: 1, maxLength: 12 }),
  delimiter: fc.constantFrom(';', ',', '\t'),
  quoteAll: fc.boolean(),
  damage,
});

function bytesOf(f: { rows: Row[]; delimiter: string; quoteAll: boolean; damage: Damage }): Uint8Array {
  const d = f.damage;
  const rows = f.rows.map((r) => ({ ...r }));
  if (d.kind === 'field') {
    const target = rows[d.row % rows.length];
    const pool = BAD[d.column] ?? [];
    const key = (['first', 'last', 'date', 'bsn', 'uzovi'] as const)[d.column];
    if (target && key) target[key] = pool[d.pick % pool.length] ?? '';
  }
  const text = render(rows, f.delimiter, f.quoteAll, d.kind === 'drop' ? d.column : null);
  switch (d.kind) {
    case 'none':
    case 'field':
    case 'drop':
      return Buffer.from(text, 'utf8');
    case 'quote': {
      const at = HEADER.join(f.delimiter).length + 2 + (d.at % Math.max(1, text.length - HEADER.join(f.delimiter).length - 2));
      return Buffer.from(text.slice(0, at) + '"' + text.slice(at), 'utf8');
    }
    case 'latin1':
      return Buffer.from(text.replace('\r\n', '\r\nZoë;Müller;01-01-1990;;\r\n'), 'latin1');
    case 'bytes':
      return d.bytes;
    case 'cut': {
      const bytes = Buffer.from(text, 'utf8');
      return bytes.subarray(0, d.at % (bytes.length + 1));
    }
  }
}

async function counts() {
  const one = async (table: 'clients' | 'client_history') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select(sql<string>`count(*)`.as('n'))
          .where('practice_id', '=', practice.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { clients: await one('clients'), history: await one('client_history') };
}

const url = (dry: boolean) => `/api/v1/practices/${practice.id}/clients/import${dry ? '/dry-run' : ''}`;

describe('CSV import properties', () => {
  it('never leaves a partial import, and creates exactly the rows the dry run announced', async () => {
    let refused = 0;
    let imported = 0;
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const body = bytesOf(f);
        const before = await counts();
        const dry = await owner.raw('POST', url(true), body, 'text/csv');
        assert.ok([200, 400].includes(dry.status), `dry run answered ${dry.status}: ${JSON.stringify(dry.body)}`);
        assert.deepEqual(await counts(), before, 'the dry run changed something');
        const real = await owner.raw('POST', url(false), body, 'text/csv');
        const after = await counts();
        if (real.status !== 200) {
          refused++;
          assert.equal(real.status, 400, JSON.stringify(real.body));
          assert.deepEqual(after, before, `a refused import saved something: ${JSON.stringify(real.body)}`);
          assert.ok(dry.status === 400 || dry.body.totals.invalid > 0, 'the dry run found nothing wrong with a refused file');
          return;
        }
        imported++;
        assert.equal(dry.status, 200);
        assert.equal(dry.body.totals.invalid, 0);
        const announced = dry.body.rows.filter((r: { outcome: string }) => r.outcome === 'create').map((r: { row: number }) => r.row);
        const created = real.body.rows.filter((r: { outcome: string }) => r.outcome === 'create').map((r: { row: number }) => r.row);
        assert.deepEqual(created, announced);
        assert.equal(after.clients, before.clients + announced.length);
        assert.equal(after.history, before.history + announced.length);
      }),
      { numRuns: 100 },
    );
    assert.ok(refused > 5 && imported > 5, `too few of one kind: ${refused} refused, ${imported} imported`);
  });

  it('refuses random bytes, Windows-1252 text and files without a required column with a 400 naming where', async () => {
    await fc.assert(
      fc.asyncProperty(
        file.filter((f) => f.damage.kind === 'latin1' || f.damage.kind === 'drop'),
        async (f) => {
          const before = await counts();
          const res = await owner.raw('POST', url(false), bytesOf(f), 'text/csv');
          assert.equal(res.status, 400, JSON.stringify(res.body));
          assert.match(res.body.error.fields[0].path, /^body\.(line\.\d+|header)$/);
          assert.deepEqual(await counts(), before);
        },
      ),
      { numRuns: 20 },
    );
  });
});
