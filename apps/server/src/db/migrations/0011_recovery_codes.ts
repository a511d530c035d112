import { sql, type Kysely } from 'kysely';

/**
 * Recovery codes for a lost authenticator app (issue 7, item 6): ten one-time codes per
 * account, of which only a SHA-256 (keyed by the account) is kept. A new set replaces the
 * old one (rows deleted); a used code keeps its row with `used_at`, so the remaining count
 * is the rows without it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz,
  UNIQUE (user_id, code_hash)
);
`.execute(db);
}
