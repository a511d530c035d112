import { sql, type Kysely } from 'kysely';

/**
 * Right of access (issue 7): a clinical note reaches the client's export only once its author,
 * treating the client, has reviewed and released it. Editing the note withdraws the release.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
ALTER TABLE clinical_notes
  ADD COLUMN released_for_access_at timestamptz,
  ADD COLUMN released_by uuid REFERENCES memberships (id);
`.execute(db);
}
