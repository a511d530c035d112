import { sql, type Kysely } from 'kysely';

/**
 * Right of access (issue 7): the treating author reviews a note for the client's export and
 * either releases it or withholds it with the reason recorded (for instance, it is about a third
 * party). The client's export says that a note was withheld and why, never what it says.
 * Releasing clears a withholding and the other way round; editing the note clears both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE clinical_notes
  ADD COLUMN withheld_from_access_at timestamptz,
  ADD COLUMN withheld_reason text,
  ADD COLUMN withheld_by uuid REFERENCES memberships (id),
  ADD CONSTRAINT clinical_notes_one_review CHECK (released_for_access_at IS NULL OR withheld_from_access_at IS NULL),
  ADD CONSTRAINT clinical_notes_withheld_reason CHECK ((withheld_from_access_at IS NULL) = (withheld_reason IS NULL));
`.execute(db);
}
