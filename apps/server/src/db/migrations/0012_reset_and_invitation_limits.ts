import { sql, type Kysely } from 'kysely';

/**
 * Password resets and invitations (issue 7): one valid token per account and one open
 * invitation per address and practice, guaranteed by the database; reset requests are rows,
 * counted per source address and worked off by a job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE password_resets ADD COLUMN revoked_at timestamptz;
-- Of the tokens still open today, the newest per account stays valid.
UPDATE password_resets p SET revoked_at = now()
 WHERE p.used_at IS NULL
   AND EXISTS (SELECT 1 FROM password_resets q
                WHERE q.user_id = p.user_id AND q.used_at IS NULL AND (q.created_at, q.id) > (p.created_at, p.id));
CREATE UNIQUE INDEX password_resets_one_open_key ON password_resets (user_id) WHERE used_at IS NULL AND revoked_at IS NULL;
CREATE INDEX password_resets_user_created_idx ON password_resets (user_id, created_at);

CREATE TABLE password_reset_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  ip_address text NOT NULL,
  request_id text,
  at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  outcome text CHECK (outcome IN ('sent', 'limited', 'no_account'))
);
CREATE INDEX password_reset_requests_ip_idx ON password_reset_requests (ip_address, at);
CREATE INDEX password_reset_requests_at_idx ON password_reset_requests (at);

ALTER TABLE invitations ADD COLUMN revoked_at timestamptz;
UPDATE invitations i SET revoked_at = now()
 WHERE i.accepted_at IS NULL
   AND EXISTS (SELECT 1 FROM invitations j
                WHERE j.practice_id = i.practice_id AND j.email = i.email AND j.accepted_at IS NULL
                  AND (j.created_at, j.id) > (i.created_at, i.id));
CREATE UNIQUE INDEX invitations_one_open_key ON invitations (practice_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_practice_email_idx ON invitations (practice_id, email, created_at);
`.execute(db);
}
