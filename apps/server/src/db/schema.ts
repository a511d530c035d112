import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the database. Kept by hand beside the migrations that shape it. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type RequiredTimestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AddressJson {
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  totp_secret_enc: string | null;
  totp_enrolled_at: Date | null;
  totp_last_step: string | null;
  locale: Generated<'en' | 'nl'>;
  disabled_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  stage: 'password' | 'complete';
  pending_totp_secret_enc: string | null;
  second_factor_at: Date | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: RequiredTimestamp;
  revoked_at: Date | null;
  ip_address: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  email: string;
  ip_address: string;
  success: boolean;
  at: Timestamp;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  expires_at: RequiredTimestamp;
  used_at: Date | null;
  created_at: Timestamp;
}

export interface PracticesTable {
  id: Generated<string>;
  name: string;
  legal_name: string;
  agb_code: string | null;
  kvk_number: string | null;
  address: Json<AddressJson | null> | null;
  iban: string | null;
  vat_status: Generated<'exempt' | 'liable' | 'mixed'>;
  time_zone: Generated<string>;
  locale: Generated<'en' | 'nl'>;
  currency: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  id: Generated<string>;
  practice_id: string;
  user_id: string;
  roles: string[];
  agb_code: string | null;
  big_number: string | null;
  profession: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvitationsTable {
  id: Generated<string>;
  practice_id: string;
  email: string;
  roles: string[];
  token_hash: Buffer;
  invited_by: string;
  expires_at: RequiredTimestamp;
  accepted_at: Date | null;
  created_at: Timestamp;
}

export interface LocationsTable {
  id: Generated<string>;
  practice_id: string;
  name: string;
  address: Json<AddressJson | null> | null;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface RoomsTable {
  id: Generated<string>;
  practice_id: string;
  location_id: string;
  name: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface ServicesTable {
  id: Generated<string>;
  practice_id: string;
  name: string;
  default_duration_minutes: number;
  allowed_modes: string[];
  billing_code: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface WorkingHoursTable {
  id: Generated<string>;
  practice_id: string;
  membership_id: string;
  weekday: number;
  start_time: string;
  end_time: string;
  location_id: string | null;
  modes: string[];
}

export interface EmailOutboxTable {
  id: Generated<string>;
  practice_id: string | null;
  to_address: string;
  subject: string;
  body_text: string;
  transport: 'outbox' | 'smtp';
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Date | null;
}

export interface AuditLogTable {
  chain_id: Generated<string>;
  seq: Generated<string>;
  at: Timestamp;
  practice_id: string | null;
  user_id: string | null;
  on_behalf_of: string | null;
  action: string;
  outcome: 'ok' | 'denied';
  entity_type: string | null;
  entity_id: string | null;
  client_id: string | null;
  data_category: string;
  legal_basis: string;
  break_glass: Generated<boolean>;
  reason: string | null;
  request_id: string | null;
  ip_address: string | null;
  prev_hash: Generated<Buffer>;
  hash: Generated<Buffer>;
}

export interface AuditChainHeadsTable {
  chain_id: string;
  last_seq: string;
  last_hash: Buffer;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  password_resets: PasswordResetsTable;
  practices: PracticesTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  locations: LocationsTable;
  rooms: RoomsTable;
  services: ServicesTable;
  working_hours: WorkingHoursTable;
  email_outbox: EmailOutboxTable;
  audit_log: AuditLogTable;
  audit_chain_heads: AuditChainHeadsTable;
}

/** Tables that hold one practice's data; every one carries `practice_id`. */
export type PracticeTable = 'memberships' | 'invitations' | 'locations' | 'rooms' | 'services' | 'working_hours';
