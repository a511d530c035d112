import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { randomBsn } from '../../test/factories.ts';
import { auditedClients, clientRowCounts, fieldPaths, minimalClient, ownPractice } from './clients.fixture.ts';
import { recordsWorld, type RecordsWorld } from './records.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('registering a client', () => {
  let base: string;
  let owner: Client;
  let practiceId: string;
  before(async () => {
    ({
      base,
      owner,
      practice: { id: practiceId },
    } = await ownPractice(t));
  });

  it('refuses a BSN that fails the eleven-test with 400 naming body.bsn, and saves nothing', async () => {
    const before = await clientRowCounts(t, practiceId);
    const res = await owner.post(`${base}/clients`, minimalClient({ bsn: '123456789' }));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(fieldPaths(res), ['body.bsn']);
    assert.match(res.body.error.fields[0].message, /eleven-test/);
    assert.deepEqual(await clientRowCounts(t, practiceId), before);
  });

  it('accepts the published example BSN 249566758', async () => {
    const res = await owner.post(`${base}/clients`, minimalClient({ bsn: '249566758', bsnVerification: 'id_document' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.bsn, '249566758');
    assert.equal(res.body.bsnVerification, 'id_document');
    assert.equal((await owner.get(`${base}/clients/${res.body.id}`)).body.bsn, '249566758');
  });

  it('saves an 8-digit BSN with its leading zero restored', async () => {
    const res = await owner.post(`${base}/clients`, minimalClient({ bsn: '12345672' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.bsn, '012345672');
    const row = await t.deps.db.selectFrom('clients').select('bsn').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    assert.equal(row.bsn, '012345672');
  });

  it('refuses the placeholder 999999999 and the all-zero 000000000, naming body.bsn', async () => {
    const before = await clientRowCounts(t, practiceId);
    for (const bsn of ['999999999', '000000000', '12345', 'abcdefghi']) {
      const res = await owner.post(`${base}/clients`, minimalClient({ bsn }));
      assert.equal(res.status, 400, `${bsn} answered ${res.status}`);
      assert.deepEqual(fieldPaths(res), ['body.bsn'], bsn);
    }
    assert.deepEqual(await clientRowCounts(t, practiceId), before);
  });

  it('refuses an impossible date of birth and one in the future, naming body.dateOfBirth', async () => {
    const before = await clientRowCounts(t, practiceId);
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-15`;
    for (const dateOfBirth of ['2026-02-30', '1980-13-01', '27-03-1980', nextYear]) {
      const res = await owner.post(`${base}/clients`, minimalClient({ dateOfBirth }));
      assert.equal(res.status, 400, `${dateOfBirth} answered ${res.status}`);
      assert.deepEqual([...new Set(fieldPaths(res))], ['body.dateOfBirth'], dateOfBirth);
    }
    assert.deepEqual(await clientRowCounts(t, practiceId), before);
  });

  it('names every bad field at once and saves nothing', async () => {
    const before = await clientRowCounts(t, practiceId);
    const res = await owner.post(`${base}/clients`, minimalClient({ bsn: '111111111', dateOfBirth: '2001-02-29', insurerUzovi: '33' }));
    assert.equal(res.status, 400);
    assert.deepEqual(fieldPaths(res), ['body.bsn', 'body.dateOfBirth', 'body.insurerUzovi']);
    assert.deepEqual(await clientRowCounts(t, practiceId), before);
  });

  it('gives each client the next client number of the practice', async () => {
    const a = await owner.post(`${base}/clients`, minimalClient());
    const b = await owner.post(`${base}/clients`, minimalClient());
    assert.match(a.body.clientNumber, /^C-\d{6}$/);
    assert.equal(Number(b.body.clientNumber.slice(2)), Number(a.body.clientNumber.slice(2)) + 1);
    assert.equal(a.body.status, 'registered');
  });
});

describe('duplicate detection', () => {
  let base: string;
  let owner: Client;
  let practiceId: string;
  before(async () => {
    ({
      base,
      owner,
      practice: { id: practiceId },
    } = await ownPractice(t));
  });

  it('refuses the same BSN twice with 409 naming body.bsn, even when confirmed', async () => {
    const bsn = randomBsn();
    const first = await owner.post(`${base}/clients`, minimalClient({ bsn }));
    assert.equal(first.status, 201);
    const before = await clientRowCounts(t, practiceId);
    for (const confirmNotDuplicate of [false, true]) {
      const res = await owner.post(`${base}/clients`, minimalClient({ bsn, confirmNotDuplicate }));
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'conflict');
      assert.deepEqual(fieldPaths(res), ['body.bsn']);
      assert.ok(res.body.error.fields[0].message.includes(first.body.clientNumber), JSON.stringify(res.body));
    }
    assert.deepEqual(await clientRowCounts(t, practiceId), before);
  });

  it('registers one of several concurrent requests with the same BSN and refuses the rest', async () => {
    // Several rounds: a race shows up in most rounds, rarely in the first.
    for (let round = 0; round < 5; round++) {
      const bsn = randomBsn();
      const replies = await Promise.all(Array.from({ length: 6 }, () => owner.post(`${base}/clients`, minimalClient({ bsn }))));
      assert.deepEqual(replies.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
      const rows = await t.deps.db
        .selectFrom('clients')
        .select('id')
        .where('practice_id', '=', practiceId)
        .where('bsn', '=', bsn)
        .execute();
      assert.equal(rows.length, 1);
    }
  });

  it('warns with 409 listing the match on the same name and date of birth, and registers when confirmed', async () => {
    const first = await owner.post(`${base}/clients`, minimalClient());
    assert.equal(first.status, 201);
    const again = { firstName: first.body.firstName.toUpperCase(), lastName: first.body.lastName, dateOfBirth: first.body.dateOfBirth };
    const warned = await owner.post(`${base}/clients`, again);
    assert.equal(warned.status, 409);
    assert.equal(warned.body.error.fields.length, 1);
    assert.ok(warned.body.error.fields[0].message.includes(first.body.clientNumber), JSON.stringify(warned.body));
    const confirmed = await owner.post(`${base}/clients`, { ...again, confirmNotDuplicate: true });
    assert.equal(confirmed.status, 201);
    assert.notEqual(confirmed.body.id, first.body.id);
  });

  it('does not warn for the same name with another date of birth', async () => {
    const first = await owner.post(`${base}/clients`, minimalClient());
    const other = await owner.post(`${base}/clients`, {
      firstName: first.body.firstName,
      lastName: first.body.lastName,
      dateOfBirth: '1981-03-27',
    });
    assert.equal(other.status, 201);
  });

  it("refuses to give a client another client's BSN with 409 naming body.bsn", async () => {
    const bsn = randomBsn();
    await owner.post(`${base}/clients`, minimalClient({ bsn }));
    const other = await owner.post(`${base}/clients`, minimalClient());
    const res = await owner.patch(`${base}/clients/${other.body.id}`, { bsn });
    assert.equal(res.status, 409);
    assert.deepEqual(fieldPaths(res), ['body.bsn']);
    const fresh = randomBsn();
    const ok = await owner.patch(`${base}/clients/${other.body.id}`, { bsn: fresh });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.bsn, fresh);
  });
});

describe('finding clients', () => {
  let base: string;
  let owner: Client;
  let practiceId: string;
  let anna: { id: string; clientNumber: string };
  let bsn: string;
  const search = async (q: string) => {
    const res = await owner.get(`${base}/clients?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.items as { id: string }[]).map((c) => c.id);
  };
  before(async () => {
    ({
      base,
      owner,
      practice: { id: practiceId },
    } = await ownPractice(t));
    bsn = randomBsn();
    const res = await owner.post(`${base}/clients`, {
      firstName: 'Annemarie',
      namePrefix: 'van',
      lastName: 'Vermeulen',
      dateOfBirth: '1980-03-27',
      bsn,
    });
    anna = res.body;
    await owner.post(`${base}/clients`, { firstName: 'Pieter', lastName: 'Bakker', dateOfBirth: '1975-11-02' });
  });

  it('finds by part of the name, in any case', async () => {
    assert.deepEqual(await search('vermeul'), [anna.id]);
    assert.deepEqual(await search('ANNEMARIE VAN'), [anna.id]);
  });

  it('finds by name with a typo', async () => {
    assert.deepEqual(await search('Vermeulne'), [anna.id]);
  });

  it('finds by BSN, by date of birth written both ways, and by client number', async () => {
    assert.deepEqual(await search(bsn), [anna.id]);
    assert.deepEqual(await search('27-03-1980'), [anna.id]);
    assert.deepEqual(await search('1980-03-27'), [anna.id]);
    assert.deepEqual(await search(anna.clientNumber), [anna.id]);
    assert.deepEqual(await search(`c${Number(anna.clientNumber.slice(2))}`), [anna.id]);
    assert.deepEqual(await search('Jansen'), []);
  });

  it('answers a search for a date that does not exist with no hits, not an error', async () => {
    assert.deepEqual(await search('31-02-1980'), []);
    assert.deepEqual(await search('1980-02-31'), []);
    assert.deepEqual(await search('99-99-9999'), []);
  });

  it('shows only the last four digits of the BSN in results', async () => {
    const res = await owner.get(`${base}/clients?q=${bsn}`);
    assert.equal(res.body.items[0].bsnLast4, bsn.slice(-4));
    assert.ok(!JSON.stringify(res.body).includes(bsn));
  });

  it('writes exactly one access-log entry per search hit, with the client', async () => {
    const before = await auditedClients(t, practiceId, 'client.search_hit');
    const hits = await search('');
    assert.equal(hits.length, 2);
    const after = await auditedClients(t, practiceId, 'client.search_hit');
    assert.deepEqual(after.slice(before.length).sort(), [...hits].sort());
    await search('Jansen');
    assert.equal((await auditedClients(t, practiceId, 'client.search_hit')).length, after.length, 'a search without hits logs no hit');
  });

  it('writes exactly one access-log entry for reading a client', async () => {
    const entriesOf = async () =>
      (await t.deps.db.selectFrom('audit_log').select('action').where('client_id', '=', anna.id).orderBy('id').execute()).map(
        (r) => r.action,
      );
    const before = await entriesOf();
    const res = await owner.get(`${base}/clients/${anna.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual((await entriesOf()).slice(before.length), ['client.read']);
  });
});

describe('who may do what with the client file', () => {
  let w: RecordsWorld;
  before(async () => {
    w = await recordsWorld(t);
  });

  for (const role of ['billing', 'author'] as const) {
    const name = role === 'author' ? 'clinician' : role;
    it(`lets ${name} read and search clients but not register, edit or merge them (403)`, async () => {
      const c = w[role];
      assert.equal((await c.get(`${w.base}/clients`)).status, 200);
      assert.equal((await c.get(`${w.base}/clients/${w.clientId}`)).status, 200);
      assert.equal((await c.get(`${w.base}/clients/${w.clientId}/history`)).status, 200);
      const before = await clientRowCounts(t, w.practice.id);
      const created = await c.post(`${w.base}/clients`, minimalClient());
      assert.equal(created.status, 403);
      assert.equal(created.body.error.code, 'forbidden');
      assert.equal((await c.patch(`${w.base}/clients/${w.clientId}`, { phone: '+31 20 000 0000' })).status, 403);
      assert.equal((await c.patch(`${w.base}/clients/${w.clientId}`, { status: 'intake' })).status, 403);
      assert.equal((await c.post(`${w.base}/clients/${w.clientId}/merge`, { duplicateId: w.clientId })).status, 403);
      assert.deepEqual(await clientRowCounts(t, w.practice.id), before);
    });
  }

  it('lets back office register and edit clients', async () => {
    const created = await w.backOffice.post(`${w.base}/clients`, minimalClient());
    assert.equal(created.status, 201);
    assert.equal((await w.backOffice.patch(`${w.base}/clients/${created.body.id}`, { phone: '+31 20 111 2222' })).status, 200);
  });

  it("answers 404 for another practice's client on every client route, and changes nothing there", async () => {
    const other = await ownPractice(t);
    const theirs = await other.owner.post(`${other.base}/clients`, minimalClient({ bsn: randomBsn() }));
    const before = await clientRowCounts(t, other.practice.id);
    const url = `${w.base}/clients/${theirs.body.id}`;
    const replies = [
      await w.owner.get(url),
      await w.owner.patch(url, { phone: '+31 20 333 4444' }),
      await w.owner.get(`${url}/history`),
      await w.owner.get(`${url}/trajectories`),
      await w.owner.post(`${url}/trajectories`, { startDate: '2025-01-06', leadMembershipId: w.authorMembershipId }),
      await w.owner.post(`${url}/merge`, { duplicateId: w.clientId }),
      await w.owner.post(`${w.base}/clients/${w.clientId}/merge`, { duplicateId: theirs.body.id }),
    ];
    for (const res of replies) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.ok(!JSON.stringify(res.body).includes(theirs.body.lastName));
    }
    assert.deepEqual(await clientRowCounts(t, other.practice.id), before);
    // Name search is fuzzy (trigrams), so the own practice's look-alikes may come back; the other's client never.
    const found = await w.owner.get(`${w.base}/clients?q=${encodeURIComponent(theirs.body.lastName)}`);
    assert.equal(found.status, 200);
    assert.ok(!JSON.stringify(found.body).includes(theirs.body.id), "another practice's client in the search");
    assert.ok(!JSON.stringify(found.body).includes(theirs.body.lastName), "another practice's name in the search");
  });
});

describe('optional parts of a client', () => {
  it('reads back a GP given by name only and an emergency contact without relation as nulls, not a server error', async () => {
    const { base, owner } = await ownPractice(t);
    const res = await owner.post(
      `${base}/clients`,
      minimalClient({ gp: { name: 'Huisartsenpraktijk Fictief' }, emergencyContact: { name: 'Noor', phone: '+31 6 1234 5678' } }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.gp, { name: 'Huisartsenpraktijk Fictief', practiceName: null, agbCode: null });
    assert.deepEqual(res.body.emergencyContact, { name: 'Noor', relation: null, phone: '+31 6 1234 5678' });
    assert.equal((await owner.get(`${base}/clients/${res.body.id}`)).status, 200);
  });
});
