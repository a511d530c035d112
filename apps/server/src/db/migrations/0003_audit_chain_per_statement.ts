import { sql, type Kysely } from 'kysely';

/**
 * The access-log chain head was updated once per inserted row. Within one transaction every
 * update leaves a dead version of that row behind, so a transaction writing n entries (a CSV
 * import of 10,000 clients) cost O(n²). Now each row reads its predecessor from the log itself
 * (an index lookup on (chain_id, seq)), the head row only serialises writers (locked, not
 * updated, per row), and the head is written once per statement from the transition table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  last_seq bigint;
  last_hash bytea;
BEGIN
  NEW.chain_id := coalesce(NEW.practice_id, '00000000-0000-0000-0000-000000000000');
  INSERT INTO audit_chain_heads (chain_id, last_seq, last_hash)
    VALUES (NEW.chain_id, 0, '\\x'::bytea) ON CONFLICT (chain_id) DO NOTHING;
  -- Writers of one chain take turns until commit; later rows of the same transaction
  -- already hold the lock.
  PERFORM 1 FROM audit_chain_heads WHERE chain_id = NEW.chain_id FOR UPDATE;
  SELECT a.seq, a.hash INTO last_seq, last_hash
    FROM audit_log a WHERE a.chain_id = NEW.chain_id ORDER BY a.seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.at := date_trunc('milliseconds', clock_timestamp());
  NEW.prev_hash := coalesce(last_hash, '\\x'::bytea);
  NEW.hash := audit_digest(NEW.prev_hash, NEW);
  RETURN NEW;
END
$fn$;

CREATE FUNCTION audit_log_advance_heads() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE audit_chain_heads h
     SET last_seq = n.seq, last_hash = n.hash
    FROM (SELECT DISTINCT ON (chain_id) chain_id, seq, hash FROM new_rows ORDER BY chain_id, seq DESC) n
   WHERE h.chain_id = n.chain_id;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER audit_log_advance_heads AFTER INSERT ON audit_log
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_log_advance_heads();
`.execute(db);
}
