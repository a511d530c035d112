import { sql, type Kysely } from 'kysely';

/**
 * One live client per BSN per practice, guaranteed by the database: registration, edits and
 * imports can race, a check-then-insert cannot. Merged and destroyed records do not count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE UNIQUE INDEX clients_practice_bsn_live_key ON clients (practice_id, bsn)
  WHERE bsn IS NOT NULL AND merged_into IS NULL AND destroyed_at IS NULL;
`.execute(db);
}
