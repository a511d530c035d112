import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { linkPending, sealChains, sealKeyOf, sealsFromFile, type SealKey } from '../../platform/audit-seal.ts';
import { writeAudit } from '../../platform/audit.ts';
import { SecretBox } from '../../platform/crypto.ts';
import { removeTail, rewriteEntry } from '../../test/audit-attack.ts';
import { adminUrl, startTestApp, type TestApp } from '../../test/harness.ts';
import { createPopulatedPractice, signIn } from '../../test/factories.ts';
import { verifyChain } from './verify-chain.ts';

let t: TestApp;
let key: SealKey;
before(async () => {
  t = await startTestApp();
  // A key and a seal file of this file's own, so seals made meanwhile by other tests (the CLI's
  // `audit seal` seals every chain) neither count nor interfere here.
  key = {
    ...sealKeyOf({ secrets: new SecretBox(crypto.randomBytes(32)), config: t.deps.config }),
    file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-seal-test-')), 'seals.jsonl'),
  };
});
after(() => t.close());

/** A practice with a few audited requests behind it, chained and sealed. */
async function sealedPractice(reads = 5) {
  const p = await createPopulatedPractice(t.deps);
  const owner = await signIn(t, p.owner);
  for (let i = 0; i < reads; i++) assert.equal((await owner.get(`/api/v1/practices/${p.id}/staff`)).status, 200);
  const seals = await sealChains(t.deps.db, key);
  const seal = seals.find((s) => s.chainId === p.id);
  assert.ok(seal, 'the practice chain was sealed');
  return { p, owner, seal };
}

/** The same checks without the key: what verification could say before seals existed. */
function keyless(): SealKey {
  const other = new SecretBox(crypto.randomBytes(32));
  return { ...sealKeyOf({ secrets: other, config: t.deps.config }), file: key.file };
}

describe('sealing the access log', () => {
  it('seals each chain whose head moved, in the database and in the file outside it, and nothing when nothing is new', async () => {
    const { p, seal } = await sealedPractice(3);
    assert.equal(seal.seq, 4, 'practice created + 3 reads');
    const inDb = await t.deps.db
      .selectFrom('audit_seals')
      .selectAll()
      .where('chain_id', '=', p.id)
      .where('key_id', '=', key.keyId)
      .execute();
    assert.equal(inDb.length, 1);
    assert.equal(Number(inDb[0]!.seq), 4);
    const inFile = sealsFromFile(key.file).seals.filter((s) => s.chainId === p.id);
    assert.equal(inFile.length, 1);
    assert.ok(inFile[0]!.hash.equals(inDb[0]!.hash));
    assert.equal(fs.statSync(key.file).mode & 0o077, 0, 'the seal file is readable by its owner only');

    const again = await sealChains(t.deps.db, key);
    assert.equal(again.filter((s) => s.chainId === p.id).length, 0, 'no new seal without new entries');
    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, true, report.problems.join('; '));
    assert.equal(report.sealedSeq, 4);
  });

  it('catches the attack of a superuser who rewrites an entry and recomputes the chain with the database’s own digest', async () => {
    const { p } = await sealedPractice(5);
    await rewriteEntry(adminUrl(), p.id, 3, 'nothing to see here');

    const changed = await t.deps.db
      .selectFrom('audit_log')
      .innerJoin('audit_links', 'audit_links.log_id', 'audit_log.id')
      .select('audit_log.reason')
      .where('audit_links.chain_id', '=', p.id)
      .where('audit_links.seq', '=', '3')
      .executeTakeFirstOrThrow();
    assert.equal(changed.reason, 'nothing to see here', 'the attack changed the entry');
    // The chain itself holds again: only a seal made with the server's key can tell.
    const withoutKey = await verifyChain(t.deps.db, p.id, keyless());
    assert.equal(withoutKey.intact, true, withoutKey.problems.join('; '));

    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, false);
    // The seal over position 6 no longer matches (the change itself, at 3, is hidden by the recomputation).
    assert.ok(report.firstBrokenSeq !== null && report.firstBrokenSeq >= 3 && report.firstBrokenSeq <= 6, String(report.firstBrokenSeq));
    assert.match(report.problems.join('\n'), /no longer matches its seal/);
  });

  it('catches entries removed from the end before the last seal, with the seals in the database removed too', async () => {
    const { p } = await sealedPractice(5);
    await removeTail(adminUrl(), p.id, 2);
    assert.equal(
      await t.deps.db
        .selectFrom('audit_seals')
        .select('id')
        .where('chain_id', '=', p.id)
        .execute()
        .then((r) => r.length),
      0,
    );

    const withoutKey = await verifyChain(t.deps.db, p.id, keyless());
    assert.equal(withoutKey.intact, true, 'the shortened chain is consistent in itself');
    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, false);
    assert.equal(report.checked, 4);
    assert.match(report.problems.join('\n'), /entries were removed/);
  });

  it('refuses a forged seal', async () => {
    const { p, seal } = await sealedPractice(1);
    await t.deps.db
      .insertInto('audit_seals')
      .values({
        chain_id: p.id,
        seq: String(seal.seq),
        hash: seal.hash,
        sealed_at: new Date(),
        key_id: key.keyId,
        mac: crypto.randomBytes(32),
      })
      .execute();
    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, false);
    assert.match(report.problems.join('\n'), /forged/);
  });

  it('finds an entry inserted past the application, behind the linker', async () => {
    const { p } = await sealedPractice(1);
    // A superuser inserts an entry dated in the past without the stamp trigger: it never gets chained.
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    try {
      await c.query('SET session_replication_role = replica');
      await c.query(
        `INSERT INTO audit_log (chain_id, at, practice_id, action, outcome, data_category, legal_basis, tx)
         VALUES ($1, now() - interval '1 day', $1, 'client.read', 'ok', 'client', 'treatment_agreement', '1'::xid8)`,
        [p.id],
      );
    } finally {
      await c.end();
    }
    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, false);
    assert.match(report.problems.join('\n'), /inserted past the application/);
  });
});

describe('writers of one practice do not wait for each other', () => {
  it('lets a second transaction write its access-log entry and commit while the first is still open', async () => {
    const p = await createPopulatedPractice(t.deps);
    const entry = (action: string) => ({ action, practiceId: p.id, userId: p.owner.id, dataCategory: 'practice' as const });
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((r) => (firstWrote = r));
    const first = t.deps.db.transaction().execute(async (tx) => {
      await writeAudit(tx, entry('first.open'));
      firstWrote();
      await firstMayCommit;
    });
    await firstHasWritten;
    // With a lock held until the first commits, this would wait: it must not need any lock wait.
    await t.deps.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL lock_timeout = '2s'`.execute(tx);
      await writeAudit(tx, entry('second.committed'));
    });
    releaseFirst();
    await first;
    await linkPending(t.deps.db);
    const report = await verifyChain(t.deps.db, p.id, key);
    assert.equal(report.intact, true, report.problems.join('; '));
    assert.equal(report.checked, 3);
  });
});
