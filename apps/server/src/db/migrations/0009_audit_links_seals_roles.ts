import { sql, type Kysely } from 'kysely';

/**
 * The access log without a lock that makes writers wait, sealed with a key the database never sees,
 * and a least-privilege role for the server's requests.
 *
 * Until now a BEFORE INSERT trigger chained every entry to its predecessor, locking the chain's head
 * row until COMMIT: every audited writer of a practice waited for the previous one to commit (about
 * 36 ms per attempt in the spread booking storm). Now an entry is a plain insert (the trigger only
 * stamps chain, time and transaction), and the chain is a separate, append-only table of links
 * written after commit by one linker at a time (`audit_link_pending()`, SECURITY DEFINER, run every
 * few seconds by the server, by the sealer and before every verification). The existing chain is
 * kept as it is: its rows become links with digest version 1, which is the old formula.
 *
 * Digest version 2 (new links) encodes the entry as a JSON array, so a value cannot move between
 * neighbouring empty fields without changing the hash (version 1 joined the fields with `|` and
 * skipped empty ones), and it covers the entry's id.
 *
 * Seals (`audit_seals`, also written to a file outside the database) are HMACs over a chain's head
 * made by the server with a key derived from SECRET_KEY; see platform/audit-seal.ts.
 *
 * The role `calmdesk_app` gets what the server's requests need: read and write on the practice
 * tables, only SELECT and INSERT on the access log and its seals, nothing on links, heads and the
 * linker's cursor (the SECURITY DEFINER linker writes those). Grants are (re)applied after every
 * migration run by `grantAppRole` in db/roles.ts, so tables added later are covered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'calmdesk_app') THEN
    CREATE ROLE calmdesk_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END
$do$;

ALTER TABLE audit_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE audit_log ADD COLUMN tx xid8;

CREATE TABLE audit_links (
  chain_id uuid NOT NULL,
  seq bigint NOT NULL,
  log_id bigint NOT NULL UNIQUE,
  v smallint NOT NULL CHECK (v IN (1, 2)),
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
INSERT INTO audit_links (chain_id, seq, log_id, v, prev_hash, hash)
  SELECT chain_id, seq, id, 1, prev_hash, hash FROM audit_log;

DROP TRIGGER audit_log_chain ON audit_log;
DROP TRIGGER audit_log_advance_heads ON audit_log;
DROP FUNCTION audit_log_chain();
DROP FUNCTION audit_log_advance_heads();
DROP FUNCTION audit_digest(bytea, audit_log);
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
CREATE INDEX audit_log_tx_idx ON audit_log (tx) WHERE tx IS NOT NULL;
CREATE INDEX audit_log_chain_idx ON audit_log (chain_id, id);

-- An entry is stamped, never chained, on insert: no lock, no wait.
CREATE FUNCTION audit_log_stamp() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.chain_id := coalesce(NEW.practice_id, '00000000-0000-0000-0000-000000000000');
  NEW.at := date_trunc('milliseconds', clock_timestamp());
  NEW.tx := pg_current_xact_id();
  RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_stamp();

-- The hash of a link: version 1 is the formula of the original chain (kept for its entries).
CREATE FUNCTION audit_entry_digest(v smallint, prev bytea, seq bigint, r audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT sha256(prev || convert_to(CASE v
    WHEN 1 THEN concat_ws('|',
      r.chain_id, seq, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
      r.practice_id, r.user_id, r.on_behalf_of, r.action, r.outcome, r.entity_type, r.entity_id,
      r.client_id, r.data_category, r.legal_basis, r.break_glass, r.reason, r.request_id, r.ip_address)
    ELSE jsonb_build_array(
      r.chain_id, seq, r.id, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
      r.practice_id, r.user_id, r.on_behalf_of, r.action, r.outcome, r.entity_type, r.entity_id,
      r.client_id, r.data_category, r.legal_basis, r.break_glass, r.reason, r.request_id, r.ip_address)::text
    END, 'UTF8'))
$fn$;

-- Entries of transactions older than low_tx are all linked; newer ones may still be in flight.
CREATE TABLE audit_link_cursor (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  low_tx xid8 NOT NULL
);
INSERT INTO audit_link_cursor (low_tx) VALUES ('0'::xid8);

CREATE TABLE audit_seals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id uuid NOT NULL,
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  sealed_at timestamptz NOT NULL,
  key_id text NOT NULL,
  mac bytea NOT NULL
);
CREATE INDEX audit_seals_chain_idx ON audit_seals (chain_id, seq DESC);

CREATE TRIGGER audit_links_append_only BEFORE UPDATE OR DELETE ON audit_links FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_links_no_truncate BEFORE TRUNCATE ON audit_links FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Links every committed entry not yet linked, chain by chain in id order; one linker at a time.
-- Returns how many entries it linked.
CREATE FUNCTION audit_link_pending() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  -- Every transaction older than this had ended before the scan below takes its snapshot.
  next_low xid8 := pg_snapshot_xmin(pg_current_snapshot());
  low xid8;
  r audit_log;
  chain uuid := NULL;
  v_seq bigint;
  v_hash bytea;
  linked bigint := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(7513001);
  SELECT c.low_tx INTO low FROM audit_link_cursor c;
  FOR r IN
    SELECT a.* FROM audit_log a
     WHERE a.tx >= low AND NOT EXISTS (SELECT 1 FROM audit_links l WHERE l.log_id = a.id)
     ORDER BY a.chain_id, a.id
  LOOP
    IF chain IS DISTINCT FROM r.chain_id THEN
      IF chain IS NOT NULL THEN
        UPDATE audit_chain_heads h SET last_seq = v_seq, last_hash = v_hash WHERE h.chain_id = chain;
      END IF;
      INSERT INTO audit_chain_heads (chain_id, last_seq, last_hash) VALUES (r.chain_id, 0, '\\x'::bytea)
        ON CONFLICT (chain_id) DO NOTHING;
      SELECT h.last_seq, h.last_hash INTO v_seq, v_hash FROM audit_chain_heads h WHERE h.chain_id = r.chain_id;
      chain := r.chain_id;
    END IF;
    v_seq := v_seq + 1;
    INSERT INTO audit_links (chain_id, seq, log_id, v, prev_hash, hash)
      VALUES (r.chain_id, v_seq, r.id, 2, v_hash, audit_entry_digest(2::smallint, v_hash, v_seq, r))
      RETURNING audit_links.hash INTO v_hash;
    linked := linked + 1;
  END LOOP;
  IF chain IS NOT NULL THEN
    UPDATE audit_chain_heads h SET last_seq = v_seq, last_hash = v_hash WHERE h.chain_id = chain;
  END IF;
  UPDATE audit_link_cursor c SET low_tx = greatest(c.low_tx, next_low);
  RETURN linked;
END
$fn$;
REVOKE ALL ON FUNCTION audit_link_pending() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_link_pending() TO calmdesk_app;
`.execute(db);
}
