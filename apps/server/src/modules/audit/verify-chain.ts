import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { linkPending, sealIsAuthentic, sealsFromDb, sealsFromFile, type Seal, type SealKey } from '../../platform/audit-seal.ts';

export interface ChainReport {
  intact: boolean;
  /** Chained entries checked. */
  checked: number;
  /** The first chain position that does not hold (its entry altered, removed or out of place). */
  firstBrokenSeq: number | null;
  chainId: string;
  /** The highest position covered by an authentic seal, and when it was sealed. */
  sealedSeq: number | null;
  sealedAt: Date | null;
  /** Entries written after the last linker run (not yet chained; normal for a few seconds). */
  pending: number;
  /** What is wrong, in words, for an operator. */
  problems: string[];
  /** Seals that could not be checked (made with another key). */
  unverifiableSeals: number;
}

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * Verifies one practice's chain (or the account-level chain for `null`): chains what is pending,
 * recomputes every link from its entry (sequence, predecessor, hash, the entry still there), checks
 * the head, looks for entries that should have been chained but are not (inserted past the
 * application), and checks every seal — from the database and from the file outside it — against
 * the chain: a seal that does not match means an entry up to its position was altered, inserted or
 * removed, even if whoever did it recomputed the chain.
 */
export async function verifyChain(
  db: Kysely<DB>,
  practiceId: string | null,
  key: SealKey,
  /** Given by `verifyAllChains`, which links once and reads the seal file once for every chain. */
  shared?: { fromFile: ReturnType<typeof sealsFromFile> },
): Promise<ChainReport> {
  const chainId = practiceId ?? NIL;
  if (!shared) await linkPending(db);
  const problems: string[] = [];
  let firstBrokenSeq: number | null = null;
  const broken = (seq: number, problem: string) => {
    if (firstBrokenSeq === null || seq < firstBrokenSeq) firstBrokenSeq = seq;
    problems.push(problem);
  };

  // 1. The links, recomputed from their entries.
  const hashAt = new Map<number, Buffer>();
  let prevHash: Buffer = Buffer.alloc(0);
  let expectSeq = 1;
  for (let done = false; !done;) {
    const rows = await sql<{ seq: string; prev_hash: Buffer; hash: Buffer; recomputed: Buffer | null }>`
      SELECT l.seq, l.prev_hash, l.hash, audit_entry_digest(l.v, l.prev_hash, l.seq, a) AS recomputed
        FROM audit_links l LEFT JOIN audit_log a ON a.id = l.log_id AND a.chain_id = l.chain_id
       WHERE l.chain_id = ${chainId} AND l.seq >= ${expectSeq}
       ORDER BY l.seq LIMIT 5000`.execute(db);
    done = rows.rows.length < 5000;
    for (const r of rows.rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        broken(expectSeq, `entry ${expectSeq} of the chain is missing`);
        done = true;
        break;
      }
      if (r.recomputed === null) broken(seq, `entry ${seq} was removed`);
      else if (!r.prev_hash.equals(prevHash) || !r.hash.equals(r.recomputed)) broken(seq, `entry ${seq} was altered`);
      if (firstBrokenSeq !== null) {
        done = true;
        break;
      }
      hashAt.set(seq, r.hash);
      prevHash = r.hash;
      expectSeq += 1;
    }
  }
  const checked = expectSeq - 1;

  // 2. The head.
  const head = await db
    .selectFrom('audit_chain_heads')
    .select(['last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  if (firstBrokenSeq === null && head && (Number(head.last_seq) !== checked || !head.last_hash.equals(prevHash))) {
    broken(checked + 1, `the chain ends at entry ${checked}, but its head says ${head.last_seq}: entries were removed from the end`);
  }

  // 3. Entries the linker has passed over but are not in the chain: written past the application.
  const stray = await sql<{ n: number; pending: number }>`
    SELECT count(*) FILTER (WHERE a.tx < c.low_tx OR a.tx IS NULL)::int AS n,
           count(*) FILTER (WHERE a.tx >= c.low_tx)::int AS pending
      FROM audit_log a CROSS JOIN audit_link_cursor c
     WHERE a.chain_id = ${chainId} AND NOT EXISTS (SELECT 1 FROM audit_links l WHERE l.log_id = a.id)`.execute(db);
  const strayCount = stray.rows[0]?.n ?? 0;
  if (strayCount > 0) problems.push(`${strayCount} entries are in the log but not in the chain: they were inserted past the application`);

  // 4. Seals, from the database and from the file outside it.
  const fromFile = shared?.fromFile ?? sealsFromFile(key.file);
  if (fromFile.unreadable > 0) problems.push(`${fromFile.unreadable} lines of the seal file ${key.file} cannot be read`);
  const all = dedupe([...(await sealsFromDb(db, chainId)), ...fromFile.seals.filter((s) => s.chainId === chainId)]);
  let sealedSeq: number | null = null;
  let sealedAt: Date | null = null;
  let unverifiableSeals = 0;
  for (const s of all) {
    if (s.keyId !== key.keyId) {
      unverifiableSeals += 1;
      continue;
    }
    if (!sealIsAuthentic(key, s)) {
      problems.push(`a seal at entry ${s.seq} is forged (its signature does not match)`);
      continue;
    }
    const at = hashAt.get(s.seq);
    if (at === undefined) {
      if (firstBrokenSeq === null || s.seq < firstBrokenSeq) {
        broken(
          Math.min(s.seq, checked + 1),
          `entry ${s.seq} was sealed on ${s.sealedAt.toISOString()} but the chain now ends at ${checked}: entries were removed`,
        );
      }
    } else if (!at.equals(s.hash)) {
      broken(
        s.seq,
        `the chain up to entry ${s.seq} no longer matches its seal of ${s.sealedAt.toISOString()}: entries before it were altered, inserted or removed and the chain recomputed`,
      );
    }
    if (sealedSeq === null || s.seq > sealedSeq) {
      sealedSeq = s.seq;
      sealedAt = s.sealedAt;
    }
  }
  return {
    intact: problems.length === 0,
    checked,
    firstBrokenSeq,
    chainId,
    sealedSeq,
    sealedAt,
    pending: stray.rows[0]?.pending ?? 0,
    problems,
    unverifiableSeals,
  };
}

function dedupe(seals: Seal[]): Seal[] {
  const seen = new Map<string, Seal>();
  for (const s of seals) seen.set(`${s.chainId}|${s.seq}|${s.hash.toString('hex')}|${s.mac.toString('hex')}`, s);
  return [...seen.values()];
}

/** Every chain: each practice's and the account-level one, including chains known only from seals. */
export async function verifyAllChains(db: Kysely<DB>, key: SealKey): Promise<ChainReport[]> {
  await linkPending(db);
  const heads = await db.selectFrom('audit_chain_heads').select('chain_id').execute();
  const fromDb = await db.selectFrom('audit_seals').select('chain_id').distinct().execute();
  const ids = new Set([
    ...heads.map((h) => h.chain_id),
    ...fromDb.map((s) => s.chain_id),
    ...sealsFromFile(key.file).seals.map((s) => s.chainId),
  ]);
  const reports: ChainReport[] = [];
  for (const id of [...ids].sort()) reports.push(await verifyChain(db, id === NIL ? null : id, key));
  return reports;
}
