import { sql, type Kysely } from 'kysely';

/**
 * Scheduling for blended care. No double booking is a guarantee of the database: every
 * clinician, client and room of an appointment that still occupies its time carries the
 * appointment's time range, and exclusion constraints refuse any two overlapping ranges for
 * the same clinician, client or room — whatever the order or concurrency of the requests.
 * The participants' copies of the range are kept by triggers, never by the application.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE services
  ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 120);

ALTER TABLE practices
  ADD COLUMN reminder_lead_hours int[] NOT NULL DEFAULT '{48,24}'
    CHECK (cardinality(reminder_lead_hours) <= 4 AND 1 <= ALL (reminder_lead_hours) AND 336 >= ALL (reminder_lead_hours)),
  ADD COLUMN video_url_template text NOT NULL DEFAULT 'https://video.calmdesk.example/{roomId}'
    CHECK (position('{roomId}' in video_url_template) > 0),
  ADD COLUMN no_show_fee_policy text NOT NULL DEFAULT 'charge' CHECK (no_show_fee_policy IN ('charge','waive')),
  ADD COLUMN late_cancel_hours int NOT NULL DEFAULT 24 CHECK (late_cancel_hours BETWEEN 0 AND 168),
  ADD COLUMN late_cancel_fee_policy text NOT NULL DEFAULT 'charge' CHECK (late_cancel_fee_policy IN ('charge','waive'));

ALTER TABLE email_outbox
  ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- Which clinicians offer a service; a service without rows is offered by every clinician.
CREATE TABLE service_clinicians (
  practice_id uuid NOT NULL,
  service_id uuid NOT NULL,
  membership_id uuid NOT NULL,
  PRIMARY KEY (service_id, membership_id),
  FOREIGN KEY (practice_id, service_id) REFERENCES services (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id)
);

-- Leave of a clinician (membership_id set) or a closure of the whole practice (NULL).
CREATE TABLE absences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  membership_id uuid,
  kind text NOT NULL CHECK (kind IN ('leave','sick','training','closure')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  description text CHECK (length(description) <= 200),
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK ((kind = 'closure') = (membership_id IS NULL)),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id)
);
CREATE INDEX absences_range_idx ON absences USING gist (practice_id, tstzrange(starts_at, ends_at, '[)'));

CREATE TABLE appointment_series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  rrule text NOT NULL,
  first_local_start timestamp NOT NULL,
  time_zone text NOT NULL,
  duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1439),
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);

CREATE TABLE appointments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  series_id uuid,
  series_position int CHECK (series_position >= 1),
  service_id uuid NOT NULL,
  mode text NOT NULL CHECK (mode IN ('in_person','video','phone','async')),
  location_id uuid,
  room_id uuid,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  local_start timestamp NOT NULL,
  time_zone text NOT NULL,
  status text NOT NULL DEFAULT 'planned'
    CHECK (status IN ('planned','confirmed','attended','no_show','cancelled','late_cancelled')),
  occupies boolean GENERATED ALWAYS AS (status NOT IN ('cancelled','late_cancelled')) STORED,
  during tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
  status_reason text CHECK (length(status_reason) <= 500),
  status_changed_by uuid REFERENCES users(id),
  status_changed_at timestamptz,
  cancelled_by text CHECK (cancelled_by IN ('client','practice')),
  fee_decision text CHECK (fee_decision IN ('charge','waive')),
  video_room_id text,
  video_url text,
  outside_hours_reason text CHECK (length(outside_hours_reason) <= 500),
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (ends_at - starts_at < interval '24 hours'),
  CHECK ((mode = 'in_person') = (location_id IS NOT NULL)),
  CHECK (room_id IS NULL OR mode = 'in_person'),
  CHECK ((series_id IS NULL) = (series_position IS NULL)),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, series_id) REFERENCES appointment_series (practice_id, id),
  FOREIGN KEY (practice_id, service_id) REFERENCES services (practice_id, id),
  FOREIGN KEY (practice_id, location_id) REFERENCES locations (practice_id, id),
  FOREIGN KEY (practice_id, room_id) REFERENCES rooms (practice_id, id),
  CONSTRAINT appointments_room_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)
    WHERE (occupies AND room_id IS NOT NULL)
);
CREATE INDEX appointments_practice_time_idx ON appointments USING gist (practice_id, during);
CREATE INDEX appointments_series_idx ON appointments (practice_id, series_id, series_position) WHERE series_id IS NOT NULL;

CREATE TABLE appointment_clinicians (
  appointment_id uuid NOT NULL,
  practice_id uuid NOT NULL,
  membership_id uuid NOT NULL,
  during tstzrange NOT NULL,
  occupies boolean NOT NULL,
  PRIMARY KEY (appointment_id, membership_id),
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id),
  CONSTRAINT appointment_clinicians_no_overlap EXCLUDE USING gist (membership_id WITH =, during WITH &&) WHERE (occupies)
);
CREATE INDEX appointment_clinicians_time_idx ON appointment_clinicians USING gist (practice_id, membership_id, during);

CREATE TABLE appointment_clients (
  appointment_id uuid NOT NULL,
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  during tstzrange NOT NULL,
  occupies boolean NOT NULL,
  PRIMARY KEY (appointment_id, client_id),
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  CONSTRAINT appointment_clients_no_overlap EXCLUDE USING gist (client_id WITH =, during WITH &&) WHERE (occupies)
);
CREATE INDEX appointment_clients_client_idx ON appointment_clients (practice_id, client_id);

-- A participant row takes its range and state from its appointment, whatever the caller sends.
CREATE FUNCTION appointment_participant_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.during, a.occupies INTO NEW.during, NEW.occupies FROM appointments a WHERE a.id = NEW.appointment_id;
  IF NEW.during IS NULL THEN
    RAISE EXCEPTION 'appointment % does not exist', NEW.appointment_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER appointment_clinicians_fill BEFORE INSERT OR UPDATE ON appointment_clinicians
  FOR EACH ROW EXECUTE FUNCTION appointment_participant_fill();
CREATE TRIGGER appointment_clients_fill BEFORE INSERT OR UPDATE ON appointment_clients
  FOR EACH ROW EXECUTE FUNCTION appointment_participant_fill();

-- A move, a cancellation or a reinstatement reaches every participant in the same statement.
CREATE FUNCTION appointment_participants_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE appointment_clinicians SET during = NEW.during WHERE appointment_id = NEW.id;
  UPDATE appointment_clients SET during = NEW.during WHERE appointment_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER appointments_participants_sync AFTER UPDATE ON appointments
  FOR EACH ROW WHEN (OLD.during IS DISTINCT FROM NEW.during OR OLD.occupies IS DISTINCT FROM NEW.occupies)
  EXECUTE FUNCTION appointment_participants_sync();

-- Who changed an appointment, how and why (status flow, moves, fee decisions).
CREATE TABLE appointment_events (
  id bigserial PRIMARY KEY,
  practice_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid REFERENCES users(id),
  action text NOT NULL,
  from_status text,
  to_status text,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX appointment_events_idx ON appointment_events (practice_id, appointment_id, at);

-- The same Idempotency-Key from the same user answers with the first response.
CREATE TABLE idempotency_keys (
  practice_id uuid NOT NULL REFERENCES practices(id),
  user_id uuid NOT NULL REFERENCES users(id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash bytea NOT NULL,
  response_status int,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id, key)
);

CREATE TABLE appointment_reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('invitation','reminder','cancellation','change')),
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  lead_hours int,
  due_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','sent','failed','skipped')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  email_id uuid REFERENCES email_outbox(id),
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX appointment_reminders_appointment_idx ON appointment_reminders (practice_id, appointment_id);

CREATE TABLE calendar_feeds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  membership_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id)
);

CREATE TABLE waitlist_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  client_id uuid NOT NULL,
  service_id uuid,
  membership_id uuid,
  modes text[] NOT NULL DEFAULT '{}' CHECK (modes <@ ARRAY['in_person','video','phone','async']),
  weekdays int[] NOT NULL DEFAULT '{}' CHECK (weekdays <@ ARRAY[1,2,3,4,5,6,7]),
  day_parts text[] NOT NULL DEFAULT '{}' CHECK (day_parts <@ ARRAY['morning','afternoon','evening']),
  urgency text NOT NULL DEFAULT 'routine' CHECK (urgency IN ('routine','soon','urgent')),
  remark text CHECK (length(remark) <= 300),
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting','offered','booked','removed')),
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, service_id) REFERENCES services (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id)
);
CREATE INDEX waitlist_entries_waiting_idx ON waitlist_entries (practice_id, status, urgency, created_at);

CREATE TABLE waitlist_offers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  entry_id uuid NOT NULL,
  membership_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  mode text NOT NULL CHECK (mode IN ('in_person','video','phone','async')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','accepted','declined','withdrawn')),
  appointment_id uuid,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  responded_at timestamptz,
  CHECK (ends_at > starts_at),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, entry_id) REFERENCES waitlist_entries (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id),
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id)
);

-- Work for a person in the practice (the worklist builds on this): a no-show follow-up first.
CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices(id),
  assignee_membership_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('no_show_follow_up')),
  client_id uuid,
  appointment_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','done')),
  due_date date,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, assignee_membership_id) REFERENCES memberships (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX tasks_assignee_idx ON tasks (practice_id, assignee_membership_id, status);
`.execute(db);
}
