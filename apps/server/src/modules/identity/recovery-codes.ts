import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';

/**
 * One-time recovery codes for when the authenticator app is lost. Ten per account, each 12
 * characters of Crockford's base32 (60 bits), written `k7qm-2xhw-9tpe`. Typing is forgiving:
 * case, spaces and dashes do not matter, and `o`, `i`, `l` read as `0`, `1`, `1`.
 *
 * Only an HMAC-SHA-256 of a code, keyed by the account's id, is stored: a leaked table yields
 * no usable code, and the same code in two accounts has two different hashes. At 60 bits a
 * code is far beyond guessing within the sign-in lock-out, so no slow hash is needed.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;
const LENGTH = GROUPS * GROUP_LENGTH;

/** A fresh code, grouped for reading: `k7qm-2xhw-9tpe`. */
export function newRecoveryCode(): string {
  // 5 bits per character from 8 random bytes (64 bits, 60 used): no modulo bias.
  let bits = crypto.randomBytes(8).readBigUInt64BE();
  let plain = '';
  for (let i = 0; i < LENGTH; i++) {
    plain += ALPHABET[Number(bits & 31n)];
    bits >>= 5n;
  }
  return plain.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-');
}

/** The canonical form of a typed code (12 characters of the alphabet), or null when it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const plain = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (plain.length !== LENGTH || [...plain].some((c) => !ALPHABET.includes(c))) return null;
  return plain;
}

export function hashRecoveryCode(userId: string, canonical: string): Buffer {
  return crypto.createHmac('sha256', userId).update(canonical).digest();
}

/** Replaces the account's codes with a fresh set (the old ones stop working) and returns them, once. */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('recovery_codes')
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(userId, normaliseRecoveryCode(c)!) })))
    .execute();
  return codes;
}

/**
 * Spends one code: true when it was one of the account's unused codes. A single UPDATE, so
 * of two concurrent uses of one code exactly one sees the row still unused.
 */
export async function spendRecoveryCode(tx: Tx, userId: string, typed: string): Promise<boolean> {
  const canonical = normaliseRecoveryCode(typed);
  if (!canonical) return false;
  const spent = await tx
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hashRecoveryCode(userId, canonical))
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return spent !== undefined;
}

/** How many unused codes the account has, and when its set was made (null: none yet). */
export async function recoveryCodeStatus(db: Db | Tx, userId: string): Promise<{ remaining: number; createdAt: string | null }> {
  const row = await db
    .selectFrom('recovery_codes')
    .select([sql<string>`count(*) FILTER (WHERE used_at IS NULL)`.as('remaining'), sql<Date | null>`max(created_at)`.as('created_at')])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { remaining: Number(row.remaining), createdAt: row.created_at ? new Date(row.created_at).toISOString() : null };
}
