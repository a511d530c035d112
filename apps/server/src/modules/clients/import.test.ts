import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { addMember, auditCount, createTestPractice, createUser, signIn } from '../../test/factories.ts';

/** A random BSN that passes the eleven-test. */
function randomBsn(): string {
  for (;;) {
    const digits = [1 + crypto.randomInt(9), ...Array.from({ length: 7 }, () => crypto.randomInt(10))];
    const last = digits.reduce((acc, d, i) => acc + d * (9 - i), 0) % 11;
    if (last < 10) return [...digits, last].join('');
  }
}

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function practiceWithOwner() {
  const p = await createTestPractice(t.deps);
  return { p, owner: await signIn(t, p.owner), base: `/api/v1/practices/${p.id}/clients/import` };
}

async function clientCount(practiceId: string): Promise<number> {
  const r = await t.deps.db
    .selectFrom('clients')
    .select(sql<string>`count(*)`.as('n'))
    .where('practice_id', '=', practiceId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const post = (c: Client, url: string, body: string | Uint8Array, type = 'text/csv') => c.raw('POST', url, body, type);

describe('CSV client import', () => {
  it('reports per row in a dry run what will be created, what is a duplicate and what is wrong, and saves nothing', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const bsn = randomBsn();
    const existing = await owner.post(`/api/v1/practices/${p.id}/clients`, {
      firstName: 'Anna',
      lastName: 'Jansen',
      dateOfBirth: '1980-05-01',
    });
    assert.equal(existing.status, 201);
    const file = csv(
      'Voornaam;Tussenvoegsel;Achternaam;Geboortedatum;BSN;Postcode;Huisnummer;Straat;Woonplaats',
      `Piet;van;Dijk;03-04-1975;${bsn};1234ab;5;Dorpsstraat;Ergens`,
      'Anna;;Jansen;1980-05-01;;;;;',
      `Kees;;Dijk;03-04-1975;${bsn};;;;`,
      'Lies;;Bos;31-02-1990;123456789;;;;',
    );
    const before = await clientCount(p.id);
    const res = await post(owner, `${base}/dry-run`, file);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.delimiter, ';');
    assert.deepEqual(res.body.totals, { rows: 4, create: 1, duplicate: 2, invalid: 1 });
    const [piet, anna, kees, lies] = res.body.rows;
    assert.deepEqual([piet.row, piet.outcome, piet.clientId], [2, 'create', null]);
    assert.equal(anna.outcome, 'duplicate');
    assert.deepEqual(anna.duplicateOf, {
      kind: 'existing',
      clientId: existing.body.id,
      clientNumber: existing.body.clientNumber,
      matchedOn: 'name_and_date_of_birth',
    });
    assert.deepEqual(kees.duplicateOf, { kind: 'row', row: 2, matchedOn: 'bsn' });
    assert.equal(lies.outcome, 'invalid');
    assert.deepEqual(lies.errors.map((e: { column: string; field: string }) => [e.column, e.field]).sort(), [
      ['BSN', 'bsn'],
      ['Geboortedatum', 'dateOfBirth'],
    ]);
    assert.equal(await clientCount(p.id), before);
  });

  it('imports every valid new row in one go, skipping duplicates, with client numbers, history and one access-log entry each', async () => {
    const { p, owner, base } = await practiceWithOwner();
    await owner.post(`/api/v1/practices/${p.id}/clients`, { firstName: 'Anna', lastName: 'Jansen', dateOfBirth: '1980-05-01' });
    const file = csv(
      'first name,last name,date of birth,email,status,gender',
      'Piet,Dijk,1975-04-03,PIET@example.org,in behandeling,m',
      'Anna,Jansen,01-05-1980,,,',
      'Sara,Smit,2001-12-24,,afgesloten,v',
    );
    const auditBefore = await auditCount(t.deps, p.id);
    const res = await post(owner, base, '\uFEFF' + file);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.totals, { rows: 3, create: 2, duplicate: 1, invalid: 0 });
    const created = res.body.rows.filter((r: { outcome: string }) => r.outcome === 'create');
    assert.deepEqual(
      created.map((r: { clientNumber: string }) => r.clientNumber),
      ['C-000002', 'C-000003'],
    );
    const piet = await owner.get(`/api/v1/practices/${p.id}/clients/${created[0].clientId}`);
    assert.equal(piet.body.email, 'piet@example.org');
    assert.equal(piet.body.status, 'in_treatment');
    assert.equal(piet.body.gender, 'male');
    const history = await owner.get(`/api/v1/practices/${p.id}/clients/${created[1].clientId}/history`);
    assert.deepEqual(
      history.body.items.map((h: { action: string }) => h.action),
      ['client.import'],
    );
    const entries = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'client_id'])
      .where('practice_id', '=', p.id)
      .where('action', 'like', 'client.import%')
      .execute();
    assert.equal(entries.filter((e) => e.action === 'client.import').length, 2);
    assert.equal(entries.filter((e) => e.action === 'client.import.match').length, 1, 'the duplicate match is a search hit');
    // 2 imports + 1 match, then the two reads above (record + history).
    assert.ok((await auditCount(t.deps, p.id)) >= auditBefore + 3);
    assert.equal(await clientCount(p.id), 3);
  });

  it('refuses the whole import when any row is invalid, listing row and field, and saves nothing', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const file = csv('voornaam,achternaam,geboortedatum,uzovi', 'Piet,Dijk,03-04-1975,3311', 'Kees,,1990-01-01,12', 'Lies,Bos,2999-01-01,');
    const res = await post(owner, base, file);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.match(res.body.error.message, /2 of 3 rows are invalid; nothing was imported/);
    const paths = res.body.error.fields.map((f: { path: string }) => f.path);
    assert.deepEqual(paths.sort(), ['body.row.3.insurerUzovi', 'body.row.3.lastName', 'body.row.4.dateOfBirth']);
    assert.ok(
      res.body.error.fields.some((f: { message: string }) =>
        /row 4, column "geboortedatum": date of birth is in the future/.test(f.message),
      ),
    );
    assert.equal(await clientCount(p.id), 0);
  });

  it('refuses in the dry run and in the import the same rows for a NUL, a C1 control or a text-direction override in a cell, naming row and column', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const file = csv(
      'voornaam;achternaam;geboortedatum;polisnummer;huisarts',
      'Piet;Dijk;03-04-1975;P-1;',
      'Kees;Dijk\u0000;1990-01-01;;',
      'Lies;Bos;01-02-1985;P\u0085 7;',
      'Anna;Smit;1980-05-01;;Dr. \u202Eeoj',
      'Tine;Kok;12-12-1970;;Dr. Tab\tde Vries',
    );
    const dry = await post(owner, `${base}/dry-run`, file);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const invalid = (
      dry.body.rows as { row: number; outcome: string; errors: { column: string; field: string; message: string }[] }[]
    ).filter((r) => r.outcome === 'invalid');
    assert.deepEqual(
      invalid.map((r) => [r.row, r.errors.map((e) => `${e.column} ${e.field}`)]),
      [
        [3, ['achternaam lastName']],
        [4, ['polisnummer policyNumber']],
        [5, ['huisarts gpName']],
      ],
    );
    assert.match(invalid[0]?.errors[0]?.message ?? '', /control character \(U\+0000\) at position 5/);
    assert.match(invalid[1]?.errors[0]?.message ?? '', /control character \(U\+0085\)/);
    assert.match(invalid[2]?.errors[0]?.message ?? '', /text-direction control \(U\+202E\)/);
    assert.equal(dry.body.totals.create, 2, 'a tab inside a cell is text');

    const res = await post(owner, base, file);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    const fields = res.body.error.fields as { path: string; message: string }[];
    assert.deepEqual(
      fields.map((f) => f.path),
      ['body.row.3.lastName', 'body.row.4.policyNumber', 'body.row.5.gpName'],
    );
    assert.match(fields[0]?.message ?? '', /^row 3, column "achternaam": contains a control character/);
    assert.equal(await clientCount(p.id), 0);

    const header = await post(owner, `${base}/dry-run`, csv('voornaam;achternaam;geboortedatum;notitie\u202E', 'Piet;Dijk;03-04-1975;x'));
    assert.equal(header.status, 400);
    assert.equal(header.body.error.fields[0].path, 'body.header');
    assert.match(header.body.error.fields[0].message, /column 4 in the header row contains an invisible text-direction control/);
  });

  it('refuses a Windows-1252 file naming the line, and saves nothing', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const bytes = Buffer.from(csv('voornaam;achternaam;geboortedatum', 'Piet;Dijk;03-04-1975', 'Zoë;Müller;01-01-1990'), 'latin1');
    for (const url of [`${base}/dry-run`, base]) {
      const res = await post(owner, url, bytes);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'bad_request');
      assert.match(res.body.error.message, /line 3 is not UTF-8 .*Windows-1252.*CSV UTF-8/);
      assert.deepEqual(res.body.error.fields[0].path, 'body.line.3');
    }
    assert.equal(await clientCount(p.id), 0);
  });

  it('refuses a broken quote naming the line and column where the quote opens', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const res = await post(
      owner,
      base,
      csv('voornaam,achternaam,geboortedatum', 'Piet,Dijk,03-04-1975', 'Kees,"Bos,01-01-1990', 'Lies,Smit,01-01-1991'),
    );
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /line 3 \(column "achternaam"\) opens a quoted value that is never closed/);
    const stray = await post(owner, base, csv('voornaam,achternaam,geboortedatum', 'Piet,Di"jk",03-04-1975'));
    assert.equal(stray.status, 400);
    assert.match(stray.body.error.message, /line 2/);
    assert.equal(await clientCount(p.id), 0);
  });

  it('refuses a file without a required column, and accepts it with a mapping that names the column', async () => {
    const { p, owner, base } = await practiceWithOwner();
    const file = csv('Roepnaam;Naam;Geb.datum;Notitie', 'Piet;Dijk;03-04-1975;x');
    const missing = await post(owner, base, file);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.fields[0].path, 'body.header');
    assert.match(missing.body.error.message, /no column for lastName/);
    const mapping = encodeURIComponent(JSON.stringify({ Naam: 'lastName', 'Geb.datum': 'dateOfBirth' }));
    const ok = await post(owner, `${base}?mapping=${mapping}`, file);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.columns.map((c: { field: string | null }) => c.field),
      ['firstName', 'lastName', 'dateOfBirth', null],
    );
    assert.equal(await clientCount(p.id), 1);
    const badField = await post(owner, `${base}/dry-run?mapping=${encodeURIComponent('{"Naam":"surname"}')}`, file);
    assert.equal(badField.status, 400);
    assert.match(badField.body.error.fields[0].path, /^query\.mapping/);
    const notJson = await post(owner, `${base}/dry-run?mapping=%7Bnope`, file);
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.fields[0].path, 'query.mapping');
    const unknownColumn = await post(owner, `${base}/dry-run?mapping=${encodeURIComponent('{"Achternaam":"lastName"}')}`, file);
    assert.match(unknownColumn.body.error.message, /no column "Achternaam"/);
  });

  it('lets the back office import and refuses a clinician', async () => {
    const { p, base } = await practiceWithOwner();
    const file = csv('voornaam,achternaam,geboortedatum', 'Piet,Dijk,03-04-1975');
    const clerk = await createUser(t.deps);
    await addMember(t.deps, p.id, clerk, ['back_office']);
    assert.equal((await post(await signIn(t, clerk), `${base}/dry-run`, file)).status, 200);
    const clinician = await createUser(t.deps);
    await addMember(t.deps, p.id, clinician, ['clinician']);
    const res = await post(await signIn(t, clinician), base, file);
    assert.equal(res.status, 403);
    assert.equal(await clientCount(p.id), 0);
  });

  it('asks for a CSV body when JSON is sent, and refuses an empty file', async () => {
    const { owner, base } = await practiceWithOwner();
    const json = await owner.post(base, { rows: [] });
    assert.equal(json.status, 400);
    assert.match(JSON.stringify(json.body), /Content-Type: text\/csv/);
    const empty = await post(owner, base, '');
    assert.equal(empty.status, 400);
  });
});
