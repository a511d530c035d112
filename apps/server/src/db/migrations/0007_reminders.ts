import { sql, type Kysely } from 'kysely';

/**
 * Reminders, invitations and calendar feeds (issue 4).
 * - A message row is per client: an appointment with several clients sends each their own.
 * - `planned_start` is the appointment start the row was made for: a job finding another
 *   start knows the appointment moved and skips the stale reminder; `skip_reason` says why a
 *   message was not sent (no consent, no address, cancelled, moved, lead time past).
 * - `content_key` fingerprints what a client was told (time, mode, place), so a change that
 *   a client cannot see (another clinician) sends no update.
 * - The practice's own phone and e-mail for the "cannot come?" line of a message.
 * - SMS sent by the logging transport (no provider) land in `sms_outbox`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE appointment_reminders
  ADD COLUMN client_id uuid,
  ADD COLUMN planned_start timestamptz,
  ADD COLUMN skip_reason text CHECK (length(skip_reason) <= 200),
  ADD COLUMN content_key text CHECK (length(content_key) <= 100),
  ADD FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id);
CREATE INDEX appointment_reminders_client_idx ON appointment_reminders (practice_id, client_id);

ALTER TABLE calendar_feeds
  ADD COLUMN last_read_at timestamptz;
CREATE INDEX calendar_feeds_membership_idx ON calendar_feeds (practice_id, membership_id) WHERE revoked_at IS NULL;

ALTER TABLE practices
  ADD COLUMN contact_phone text CHECK (length(contact_phone) <= 30),
  ADD COLUMN contact_email text CHECK (length(contact_email) <= 254);

CREATE TABLE sms_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid REFERENCES practices(id),
  to_number text NOT NULL CHECK (length(to_number) <= 30),
  body_text text NOT NULL CHECK (length(body_text) <= 1000),
  transport text NOT NULL CHECK (transport IN ('log')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_outbox_created_idx ON sms_outbox (created_at);
`.execute(db);
}
