import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface ChainReport {
  intact: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  chainId: string;
}

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * Recomputes one practice's hash chain (or the account-level chain for `null`) and reports
 * the first entry whose hash, link or sequence does not hold. Streams in pages.
 */
export async function verifyChain(db: Kysely<DB>, practiceId: string | null): Promise<ChainReport> {
  const chainId = practiceId ?? NIL;
  let prevHash: Buffer = Buffer.alloc(0);
  let expectSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await sql<{ seq: string; prev_hash: Buffer; hash: Buffer; recomputed: Buffer }>`
      SELECT a.seq, a.prev_hash, a.hash, audit_digest(a.prev_hash, a) AS recomputed
      FROM audit_log a WHERE a.chain_id = ${chainId} AND a.seq >= ${expectSeq}
      ORDER BY a.seq LIMIT 5000`.execute(db);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq || !r.prev_hash.equals(prevHash) || !r.hash.equals(r.recomputed)) {
        return { intact: false, checked, firstBrokenSeq: seq !== expectSeq ? expectSeq : seq, chainId };
      }
      prevHash = r.hash;
      expectSeq += 1;
      checked += 1;
    }
  }
  const head = await db
    .selectFrom('audit_chain_heads')
    .select(['last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  if (head && (Number(head.last_seq) !== checked || !head.last_hash.equals(prevHash))) {
    // Entries were removed from the end (or the head was altered).
    return { intact: false, checked, firstBrokenSeq: checked + 1, chainId };
  }
  return { intact: true, checked, firstBrokenSeq: null, chainId };
}

/** Every chain in the database: each practice's and the account-level one. */
export async function verifyAllChains(db: Kysely<DB>): Promise<ChainReport[]> {
  const heads = await db.selectFrom('audit_chain_heads').select('chain_id').orderBy('chain_id').execute();
  const reports: ChainReport[] = [];
  for (const h of heads) reports.push(await verifyChain(db, h.chain_id === NIL ? null : h.chain_id));
  return reports;
}
