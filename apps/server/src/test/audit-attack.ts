import pg from 'pg';

/**
 * What an attacker who controls the database can do to the access log: as a superuser, with the
 * append-only triggers switched off for the session (`session_replication_role = replica`), change
 * or remove entries and recompute the chain with the database's own digest so that it holds again.
 * Used by the tests that prove the seals still catch it.
 */
async function asSuperuser<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query('SET session_replication_role = replica');
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}

/** Recomputes the links of a chain from position `fromSeq` on, and moves its head to the new end. */
async function recomputeFrom(c: pg.Client, chainId: string, fromSeq: number): Promise<void> {
  const links = await c.query<{ seq: string; log_id: string; v: number; prev_hash: Buffer }>(
    'SELECT seq, log_id, v, prev_hash FROM audit_links WHERE chain_id = $1 AND seq >= $2 ORDER BY seq',
    [chainId, fromSeq],
  );
  let prev: Buffer | undefined = links.rows[0]?.prev_hash;
  let last: { seq: string; hash: Buffer } | undefined;
  for (const l of links.rows) {
    const r = await c.query<{ hash: Buffer }>(
      'SELECT audit_entry_digest($1::smallint, $2, $3, a) AS hash FROM audit_log a WHERE a.id = $4',
      [l.v, prev, l.seq, l.log_id],
    );
    const hash = r.rows[0]!.hash;
    await c.query('UPDATE audit_links SET prev_hash = $1, hash = $2 WHERE chain_id = $3 AND seq = $4', [prev, hash, chainId, l.seq]);
    prev = hash;
    last = { seq: l.seq, hash };
  }
  if (last) await c.query('UPDATE audit_chain_heads SET last_seq = $1, last_hash = $2 WHERE chain_id = $3', [last.seq, last.hash, chainId]);
}

/** Changes the reason of the entry at `seq` and recomputes the chain after it, head included. */
export function rewriteEntry(adminUrl: string, chainId: string, seq: number, reason: string): Promise<void> {
  return asSuperuser(adminUrl, async (c) => {
    const changed = await c.query(
      'UPDATE audit_log SET reason = $1 WHERE id = (SELECT log_id FROM audit_links WHERE chain_id = $2 AND seq = $3)',
      [reason, chainId, seq],
    );
    if (changed.rowCount !== 1) throw new Error(`no entry at ${chainId}/${seq}`);
    await recomputeFrom(c, chainId, seq);
  });
}

/**
 * Removes the last `count` entries of a chain with their links, moves the head back, and removes
 * the chain's seals from the database (the attacker cannot reach the seal file outside it).
 */
export function removeTail(adminUrl: string, chainId: string, count: number): Promise<void> {
  return asSuperuser(adminUrl, async (c) => {
    const gone = await c.query<{ log_id: string }>(
      'DELETE FROM audit_links WHERE chain_id = $1 AND seq > (SELECT last_seq - $2 FROM audit_chain_heads WHERE chain_id = $1) RETURNING log_id',
      [chainId, count],
    );
    if (gone.rowCount !== count) throw new Error(`expected to remove ${count} links, removed ${gone.rowCount}`);
    await c.query('DELETE FROM audit_log WHERE id = ANY($1::bigint[])', [gone.rows.map((r) => r.log_id)]);
    await c.query(
      `UPDATE audit_chain_heads h SET last_seq = l.seq, last_hash = l.hash
         FROM (SELECT seq, hash FROM audit_links WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1) l WHERE h.chain_id = $1`,
      [chainId],
    );
    await c.query('DELETE FROM audit_seals WHERE chain_id = $1', [chainId]);
  });
}
