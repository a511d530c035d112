import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AppDeps } from './context.ts';

/**
 * Seals of the access log. The chain makes any change to an entry visible to whoever recomputes it
 * — unless the one who changed it recomputes the chain too, which the database's owner can. A seal
 * is an HMAC over a chain's head (chain, position, hash, time) made with a key derived from
 * SECRET_KEY, which the database never sees; it is stored in `audit_seals` and appended to a file
 * outside the database. Rewriting the chain then no longer matches a seal, and removing entries up
 * to a sealed position leaves the seal pointing at an entry that is gone.
 */
export interface SealKey {
  key: Buffer;
  /** Names the key without revealing it, so a seal made with another key is recognised. */
  keyId: string;
  /** The file outside the database where every seal is appended. */
  file: string;
}

export interface Seal {
  chainId: string;
  seq: number;
  hash: Buffer;
  sealedAt: Date;
  keyId: string;
  mac: Buffer;
}

const PURPOSE = 'calmdesk audit seal v1';

export function sealKeyOf(deps: Pick<AppDeps, 'secrets' | 'config'>): SealKey {
  const key = deps.secrets.derive(PURPOSE);
  return { key, keyId: crypto.createHash('sha256').update(key).digest('hex').slice(0, 16), file: deps.config.audit.sealFile };
}

function macOf(key: Buffer, s: Pick<Seal, 'chainId' | 'seq' | 'hash' | 'sealedAt'>): Buffer {
  const text = ['v1', s.chainId, String(s.seq), s.hash.toString('hex'), s.sealedAt.toISOString()].join('|');
  return crypto.createHmac('sha256', key).update(text).digest();
}

/** True when the seal was made with this key and says what it was made over. */
export function sealIsAuthentic(key: SealKey, s: Seal): boolean {
  if (s.keyId !== key.keyId) return false;
  const expected = macOf(key.key, s);
  return expected.length === s.mac.length && crypto.timingSafeEqual(expected, s.mac);
}

/** Chains every committed entry that is not chained yet; answers how many it chained. */
export async function linkPending(db: Kysely<DB>): Promise<number> {
  const r = await sql<{ n: string }>`SELECT audit_link_pending() AS n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Chains what is pending, then seals every chain whose head moved since its last seal: in the
 * database and in the seal file. Answers the seals made.
 */
export async function sealChains(db: Kysely<DB>, key: SealKey): Promise<Seal[]> {
  await linkPending(db);
  const heads = await sql<{ chain_id: string; last_seq: string; last_hash: Buffer; sealed: string | null }>`
    SELECT h.chain_id, h.last_seq, h.last_hash,
           (SELECT max(s.seq) FROM audit_seals s WHERE s.chain_id = h.chain_id AND s.key_id = ${key.keyId}) AS sealed
      FROM audit_chain_heads h
     WHERE h.last_seq > 0`.execute(db);
  const sealedAt = new Date();
  const seals: Seal[] = heads.rows
    .filter((h) => h.sealed === null || Number(h.sealed) < Number(h.last_seq))
    .map((h) => {
      const base = { chainId: h.chain_id, seq: Number(h.last_seq), hash: h.last_hash, sealedAt };
      return { ...base, keyId: key.keyId, mac: macOf(key.key, base) };
    });
  if (seals.length === 0) return [];
  // The file first: a seal that reached the database but not the file would be one an attacker
  // in the database could remove unnoticed.
  fs.mkdirSync(path.dirname(key.file), { recursive: true });
  fs.appendFileSync(key.file, seals.map((s) => `${JSON.stringify(sealToJson(s))}\n`).join(''), { mode: 0o600 });
  await db
    .insertInto('audit_seals')
    .values(
      seals.map((s) => ({ chain_id: s.chainId, seq: String(s.seq), hash: s.hash, sealed_at: s.sealedAt, key_id: s.keyId, mac: s.mac })),
    )
    .execute();
  return seals;
}

function sealToJson(s: Seal) {
  return {
    chain: s.chainId,
    seq: s.seq,
    hash: s.hash.toString('hex'),
    sealedAt: s.sealedAt.toISOString(),
    key: s.keyId,
    mac: s.mac.toString('hex'),
  };
}

/** Seals recorded in the file outside the database (lines that do not parse are reported). */
export function sealsFromFile(file: string): { seals: Seal[]; unreadable: number } {
  if (!fs.existsSync(file)) return { seals: [], unreadable: 0 };
  const seals: Seal[] = [];
  let unreadable = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const j = JSON.parse(line) as Record<string, unknown>;
      if (typeof j.chain !== 'string' || typeof j.seq !== 'number' || typeof j.hash !== 'string' || typeof j.sealedAt !== 'string')
        throw new Error('shape');
      seals.push({
        chainId: j.chain,
        seq: j.seq,
        hash: Buffer.from(j.hash, 'hex'),
        sealedAt: new Date(j.sealedAt),
        keyId: String(j.key),
        mac: Buffer.from(String(j.mac), 'hex'),
      });
    } catch {
      unreadable += 1;
    }
  }
  return { seals, unreadable };
}

/** Seals of one chain (or all) stored in the database. */
export async function sealsFromDb(db: Kysely<DB>, chainId?: string): Promise<Seal[]> {
  let q = db.selectFrom('audit_seals').select(['chain_id', 'seq', 'hash', 'sealed_at', 'key_id', 'mac']);
  if (chainId) q = q.where('chain_id', '=', chainId);
  const rows = await q.execute();
  return rows.map((r) => ({ chainId: r.chain_id, seq: Number(r.seq), hash: r.hash, sealedAt: r.sealed_at, keyId: r.key_id, mac: r.mac }));
}

/**
 * The server's sealer: chains pending entries every few seconds and seals at the configured
 * interval (at least every minute) and once more when stopped.
 */
export function startSealer(db: Kysely<DB>, key: SealKey, opts: { sealSeconds: number; onError: (err: Error) => void }) {
  let running: Promise<unknown> = Promise.resolve();
  const run = (work: () => Promise<unknown>) => {
    running = running.then(work).catch((err: unknown) => opts.onError(err instanceof Error ? err : new Error(String(err))));
    return running;
  };
  const linkTimer = setInterval(() => void run(() => linkPending(db)), Math.min(5, opts.sealSeconds) * 1000);
  const sealTimer = setInterval(() => void run(() => sealChains(db, key)), opts.sealSeconds * 1000);
  linkTimer.unref();
  sealTimer.unref();
  return {
    /** Stops the timers and seals what is there now. */
    async stop(): Promise<void> {
      clearInterval(linkTimer);
      clearInterval(sealTimer);
      await run(() => sealChains(db, key));
    },
  };
}
