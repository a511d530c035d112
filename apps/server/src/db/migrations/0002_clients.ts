import { sql, type Kysely } from 'kysely';

/**
 * The client file: clients, their history, care trajectories, documents (bytes kept in
 * PostgreSQL so they share its transactions, backups and tenancy) and clinical notes, which
 * live apart from everything the back office reads.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE practices
  ADD COLUMN notes_shared_with_co_clinicians boolean NOT NULL DEFAULT false,
  ADD COLUMN allow_multiple_open_trajectories boolean NOT NULL DEFAULT false,
  ADD COLUMN max_document_bytes int NOT NULL DEFAULT 20971520 CHECK (max_document_bytes BETWEEN 1024 AND 104857600),
  ADD COLUMN clinical_retention_years int NOT NULL DEFAULT 20 CHECK (clinical_retention_years BETWEEN 1 AND 115),
  ADD COLUMN next_client_number int NOT NULL DEFAULT 1;

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  client_number text NOT NULL,
  first_name text NOT NULL,
  name_prefix text,
  last_name text NOT NULL,
  date_of_birth date NOT NULL,
  gender text NOT NULL DEFAULT 'unknown' CHECK (gender IN ('female','male','other','unknown')),
  bsn text CHECK (bsn ~ '^[0-9]{9}$'),
  bsn_verification text NOT NULL DEFAULT 'none' CHECK (bsn_verification IN ('none','id_document','sbv_z','referral_letter','other')),
  email text,
  phone text,
  address jsonb,
  insurer_uzovi text CHECK (insurer_uzovi ~ '^[0-9]{4}$'),
  policy_number text,
  gp jsonb,
  emergency_contact jsonb,
  communication jsonb NOT NULL DEFAULT '{}',
  preferred_mode text CHECK (preferred_mode IN ('in_person','video','phone','async')),
  consents jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered','intake','in_treatment','discharged')),
  merged_into uuid,
  pseudonym text,
  destroyed_at timestamptz,
  last_clinical_change_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  UNIQUE (practice_id, client_number),
  FOREIGN KEY (practice_id, merged_into) REFERENCES clients (practice_id, id)
);
CREATE INDEX clients_bsn_idx ON clients (practice_id, bsn) WHERE bsn IS NOT NULL;
CREATE INDEX clients_dob_idx ON clients (practice_id, date_of_birth);
CREATE INDEX clients_name_trgm_idx ON clients USING gin ((lower(first_name || ' ' || coalesce(name_prefix || ' ', '') || last_name)) gin_trgm_ops);

CREATE TABLE client_history (
  id bigserial PRIMARY KEY,
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid REFERENCES users(id),
  action text NOT NULL,
  changes jsonb NOT NULL DEFAULT '{}',
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id)
);
CREATE INDEX client_history_client_idx ON client_history (practice_id, client_id, at);

CREATE TABLE care_trajectories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  start_date date NOT NULL,
  end_date date CHECK (end_date IS NULL OR end_date >= start_date),
  lead_membership_id uuid NOT NULL,
  care_demand_type text,
  diagnosis_group text,
  referral_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, lead_membership_id) REFERENCES memberships (practice_id, id)
);
CREATE INDEX care_trajectories_client_idx ON care_trajectories (practice_id, client_id);

CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  label text NOT NULL CHECK (label IN ('referral_letter','consent','letter_sent','letter_received','identity','other')),
  file_name text NOT NULL,
  mime_type text NOT NULL CHECK (mime_type IN ('application/pdf','image/png','image/jpeg')),
  size_bytes int NOT NULL,
  sha256 bytea NOT NULL,
  uploaded_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id)
);
CREATE INDEX documents_client_idx ON documents (practice_id, client_id);

CREATE TABLE document_blobs (
  document_id uuid PRIMARY KEY,
  practice_id uuid NOT NULL,
  content bytea NOT NULL,
  FOREIGN KEY (practice_id, document_id) REFERENCES documents (practice_id, id) ON DELETE CASCADE
);

CREATE TABLE clinical_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  author_membership_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('session','free')),
  session_date date,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, author_membership_id) REFERENCES memberships (practice_id, id)
);
CREATE INDEX clinical_notes_client_idx ON clinical_notes (practice_id, client_id);

CREATE TABLE destruction_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  basis text NOT NULL CHECK (basis IN ('client_request','retention_expired')),
  request_received_on date,
  note text,
  performed_by uuid REFERENCES users(id),
  performed_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id)
);
`.execute(db);
}
