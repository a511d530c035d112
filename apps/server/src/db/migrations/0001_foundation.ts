import { sql, type Kysely } from 'kysely';

/** Accounts, practices, memberships, sessions, setup data and the hash-chained access log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  password_hash text NOT NULL,
  totp_secret_enc text,
  totp_enrolled_at timestamptz,
  totp_last_step bigint,
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('en','nl')),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash bytea NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN ('password','complete')),
  pending_totp_secret_enc text,
  second_factor_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  ip_address text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE login_attempts (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  ip_address text NOT NULL,
  success boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at) WHERE NOT success;
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip_address, at) WHERE NOT success;

CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE practices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  legal_name text NOT NULL,
  agb_code text CHECK (agb_code ~ '^[0-9]{8}$'),
  kvk_number text CHECK (kvk_number ~ '^[0-9]{8}$'),
  address jsonb,
  iban text,
  vat_status text NOT NULL DEFAULT 'exempt' CHECK (vat_status IN ('exempt','liable','mixed')),
  time_zone text NOT NULL DEFAULT 'Europe/Amsterdam',
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('en','nl')),
  currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  user_id uuid NOT NULL REFERENCES users(id),
  roles text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['owner','back_office','billing','clinician']),
  agb_code text CHECK (agb_code ~ '^[0-9]{8}$'),
  big_number text CHECK (big_number ~ '^[0-9]{11}$'),
  profession text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, user_id),
  UNIQUE (practice_id, id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  email text NOT NULL,
  roles text[] NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  invited_by uuid NOT NULL REFERENCES users(id),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_practice_idx ON invitations (practice_id, created_at);

CREATE TABLE locations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  name text NOT NULL,
  address jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);

CREATE TABLE rooms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  location_id uuid NOT NULL,
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, location_id) REFERENCES locations (practice_id, id)
);

CREATE TABLE services (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  name text NOT NULL,
  default_duration_minutes int NOT NULL CHECK (default_duration_minutes BETWEEN 5 AND 480),
  allowed_modes text[] NOT NULL CHECK (cardinality(allowed_modes) >= 1 AND allowed_modes <@ ARRAY['in_person','video','phone','async']),
  billing_code text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);

CREATE TABLE working_hours (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  membership_id uuid NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time time NOT NULL,
  end_time time NOT NULL CHECK (end_time > start_time),
  location_id uuid,
  modes text[] NOT NULL,
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id),
  FOREIGN KEY (practice_id, location_id) REFERENCES locations (practice_id, id)
);
CREATE INDEX working_hours_member_idx ON working_hours (practice_id, membership_id);

CREATE TABLE email_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid REFERENCES practices(id),
  to_address text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  transport text NOT NULL CHECK (transport IN ('outbox','smtp')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX email_outbox_created_idx ON email_outbox (created_at DESC);

-- The access log (NEN 7513). One hash chain per practice (the nil uuid for entries that
-- belong to no practice). The chain is kept by a trigger, so the application cannot
-- write a wrong link; UPDATE, DELETE and TRUNCATE are refused by triggers.
CREATE TABLE audit_chain_heads (
  chain_id uuid PRIMARY KEY,
  last_seq bigint NOT NULL,
  last_hash bytea NOT NULL
);

CREATE TABLE audit_log (
  chain_id uuid NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  practice_id uuid,
  user_id uuid,
  on_behalf_of text,
  action text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('ok','denied')),
  entity_type text,
  entity_id text,
  client_id uuid,
  data_category text NOT NULL,
  legal_basis text NOT NULL,
  break_glass boolean NOT NULL DEFAULT false,
  reason text,
  request_id text,
  ip_address text,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
CREATE INDEX audit_log_practice_at_idx ON audit_log (practice_id, at);
CREATE INDEX audit_log_client_idx ON audit_log (practice_id, client_id, at) WHERE client_id IS NOT NULL;
CREATE INDEX audit_log_user_idx ON audit_log (practice_id, user_id, at);

CREATE FUNCTION audit_digest(prev bytea, r audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT sha256(prev || convert_to(concat_ws('|',
    r.chain_id, r.seq, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    r.practice_id, r.user_id, r.on_behalf_of, r.action, r.outcome, r.entity_type, r.entity_id,
    r.client_id, r.data_category, r.legal_basis, r.break_glass, r.reason, r.request_id, r.ip_address
  ), 'UTF8'))
$fn$;

CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  head audit_chain_heads;
BEGIN
  NEW.chain_id := coalesce(NEW.practice_id, '00000000-0000-0000-0000-000000000000');
  INSERT INTO audit_chain_heads (chain_id, last_seq, last_hash)
    VALUES (NEW.chain_id, 0, '\\x'::bytea) ON CONFLICT (chain_id) DO NOTHING;
  SELECT * INTO head FROM audit_chain_heads WHERE chain_id = NEW.chain_id FOR UPDATE;
  NEW.seq := head.last_seq + 1;
  NEW.at := date_trunc('milliseconds', clock_timestamp());
  NEW.prev_hash := head.last_hash;
  NEW.hash := audit_digest(head.last_hash, NEW);
  UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE chain_id = NEW.chain_id;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_chain_heads FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
`.execute(db);
}
