import { sql, type Kysely } from 'kysely';

/**
 * Treatment relationships: who treats which client, as an explicit, audited fact. A clinician
 * without an administrative role reaches only the clients they treat; notes are shared only
 * among the clinicians who treat the client. A relationship starts by assignment (back office
 * or owner) or by booking the clinician for the client, and ends by hand or when its care
 * trajectory closes. At most one active relationship per client and clinician (the partial
 * unique index), so a booking can add one with ON CONFLICT DO NOTHING.
 *
 * Break-the-glass grants: a clinician who states a reason reaches a client outside their care
 * for a limited time; every access meanwhile is logged with break_glass = true and the reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE treatment_relationships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  membership_id uuid NOT NULL,
  trajectory_id uuid,
  started_via text NOT NULL CHECK (started_via IN ('assigned', 'booking')),
  started_at timestamptz NOT NULL DEFAULT now(),
  started_by uuid REFERENCES users(id),
  ended_at timestamptz,
  ended_by uuid REFERENCES users(id),
  end_reason text CHECK (end_reason IN ('ended', 'trajectory_closed', 'client_merged')),
  end_note text CHECK (length(end_note) <= 500),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id),
  FOREIGN KEY (practice_id, trajectory_id) REFERENCES care_trajectories (practice_id, id),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX treatment_relationships_active_key
  ON treatment_relationships (practice_id, client_id, membership_id) WHERE ended_at IS NULL;
CREATE INDEX treatment_relationships_member_idx
  ON treatment_relationships (practice_id, membership_id, client_id) WHERE ended_at IS NULL;
CREATE INDEX treatment_relationships_trajectory_idx ON treatment_relationships (practice_id, trajectory_id);

CREATE TABLE break_glass_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  client_id uuid NOT NULL,
  membership_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 15 AND 500),
  granted_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
  FOREIGN KEY (practice_id, membership_id) REFERENCES memberships (practice_id, id),
  CHECK (expires_at > granted_at)
);
CREATE INDEX break_glass_grants_member_idx ON break_glass_grants (practice_id, membership_id, client_id, expires_at);
CREATE INDEX break_glass_grants_practice_idx ON break_glass_grants (practice_id, granted_at);
`.execute(db);
}
