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

export interface RecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  code_hash: Buffer;
  created_at: Timestamp;
  used_at: Date | null;
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
  /** Set when a newer token replaced this one (one valid token per account). */
  revoked_at: Date | null;
  created_at: Timestamp;
}

/** A request for a reset link, worked off by the `password.reset` job. */
export interface PasswordResetRequestsTable {
  id: Generated<string>;
  email: string;
  ip_address: string;
  request_id: string | null;
  at: Timestamp;
  processed_at: Date | null;
  outcome: 'sent' | 'limited' | 'no_account' | null;
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
  notes_shared_with_co_clinicians: Generated<boolean>;
  allow_multiple_open_trajectories: Generated<boolean>;
  max_document_bytes: Generated<number>;
  clinical_retention_years: Generated<number>;
  next_client_number: Generated<number>;
  reminder_lead_hours: Generated<number[]>;
  video_url_template: Generated<string>;
  no_show_fee_policy: Generated<'charge' | 'waive'>;
  late_cancel_hours: Generated<number>;
  late_cancel_fee_policy: Generated<'charge' | 'waive'>;
  contact_phone: string | null;
  contact_email: string | null;
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
  /** Set when a newer invitation to the same address replaced this one. */
  revoked_at: Date | null;
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
  buffer_minutes: Generated<number>;
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
  attachments: ColumnType<EmailAttachmentJson[], string | undefined, string>;
  created_at: Timestamp;
  sent_at: Date | null;
}

export interface EmailAttachmentJson {
  filename: string;
  contentType: string;
  /** The content as text (an .ics file). */
  content: string;
}

export interface AuditLogTable {
  /** Position in the log (bigint as a string); the chain position is in audit_links. */
  id: Generated<string>;
  chain_id: Generated<string>;
  /** The writing transaction (xid8), set by the database. */
  tx: Generated<string | null>;
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
}

/** An entry's place in its chain, written by the linker (audit_link_pending) after commit. */
export interface AuditLinksTable {
  chain_id: string;
  seq: string;
  log_id: string;
  v: number;
  prev_hash: Buffer;
  hash: Buffer;
}

export interface AuditChainHeadsTable {
  chain_id: string;
  last_seq: string;
  last_hash: Buffer;
}

export interface AuditSealsTable {
  id: Generated<string>;
  chain_id: string;
  seq: string;
  hash: Buffer;
  sealed_at: Timestamp;
  key_id: string;
  mac: Buffer;
}

export interface ClientsTable {
  id: Generated<string>;
  practice_id: string;
  client_number: string;
  first_name: string;
  name_prefix: string | null;
  last_name: string;
  date_of_birth: string;
  gender: Generated<'female' | 'male' | 'other' | 'unknown'>;
  bsn: string | null;
  bsn_verification: Generated<'none' | 'id_document' | 'sbv_z' | 'referral_letter' | 'other'>;
  email: string | null;
  phone: string | null;
  address: Json<ClientAddressJson | null> | null;
  insurer_uzovi: string | null;
  policy_number: string | null;
  gp: Json<GpJson | null> | null;
  emergency_contact: Json<EmergencyContactJson | null> | null;
  communication: ColumnType<CommunicationJson, string | undefined, string>;
  preferred_mode: 'in_person' | 'video' | 'phone' | 'async' | null;
  consents: ColumnType<ConsentsJson, string | undefined, string>;
  status: Generated<'registered' | 'intake' | 'in_treatment' | 'discharged'>;
  merged_into: string | null;
  pseudonym: string | null;
  destroyed_at: Date | null;
  last_clinical_change_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ClientAddressJson {
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  country: string;
}
export interface GpJson {
  name: string;
  practiceName: string | null;
  agbCode: string | null;
}
export interface EmergencyContactJson {
  name: string;
  relation: string | null;
  phone: string;
}
export interface CommunicationJson {
  channel?: 'email' | 'sms' | 'post' | 'phone';
  language?: 'nl' | 'en';
}
export interface ConsentJson {
  given: boolean;
  date: string;
  source: 'verbal' | 'written' | 'portal' | 'referral' | 'other';
}
export type ConsentsJson = Partial<Record<'onlineTreatment' | 'shareWithGp' | 'remindersSms' | 'remindersEmail', ConsentJson>>;

export interface ClientHistoryTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  at: Timestamp;
  user_id: string | null;
  action: string;
  changes: ColumnType<Record<string, { from: unknown; to: unknown }>, string | undefined, string>;
}

export interface CareTrajectoriesTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  start_date: string;
  end_date: string | null;
  lead_membership_id: string;
  care_demand_type: string | null;
  diagnosis_group: string | null;
  referral_id: string | null;
  created_at: Timestamp;
}

export interface TreatmentRelationshipsTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  membership_id: string;
  trajectory_id: string | null;
  started_via: 'assigned' | 'booking';
  started_at: Timestamp;
  started_by: string | null;
  ended_at: Date | null;
  ended_by: string | null;
  end_reason: 'ended' | 'trajectory_closed' | 'client_merged' | null;
  end_note: string | null;
}

export interface BreakGlassGrantsTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  membership_id: string;
  user_id: string;
  reason: string;
  granted_at: Timestamp;
  expires_at: Date;
}

export interface DocumentsTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  label: 'referral_letter' | 'consent' | 'letter_sent' | 'letter_received' | 'identity' | 'other';
  file_name: string;
  mime_type: 'application/pdf' | 'image/png' | 'image/jpeg';
  size_bytes: number;
  sha256: Buffer;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface DocumentBlobsTable {
  document_id: string;
  practice_id: string;
  content: Buffer;
}

export interface ClinicalNotesTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  author_membership_id: string;
  kind: 'session' | 'free';
  session_date: string | null;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the author released the note for the client's right-of-access export. */
  released_for_access_at: Date | null;
  released_by: string | null;
  withheld_from_access_at: Date | null;
  withheld_reason: string | null;
  withheld_by: string | null;
}

export interface DestructionRequestsTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  basis: 'client_request' | 'retention_expired';
  request_received_on: string | null;
  note: string | null;
  performed_by: string | null;
  performed_at: Timestamp;
}

export type AppointmentMode = 'in_person' | 'video' | 'phone' | 'async';
export type AppointmentStatus = 'planned' | 'confirmed' | 'attended' | 'no_show' | 'cancelled' | 'late_cancelled';
/** A range as PostgreSQL writes it, e.g. `["2026-03-30 08:00:00+00","2026-03-30 08:50:00+00")`. */
type Range = ColumnType<string, never, never>;

export interface ServiceCliniciansTable {
  practice_id: string;
  service_id: string;
  membership_id: string;
}

export interface AbsencesTable {
  id: Generated<string>;
  practice_id: string;
  membership_id: string | null;
  kind: 'leave' | 'sick' | 'training' | 'closure';
  starts_at: RequiredTimestamp;
  ends_at: RequiredTimestamp;
  description: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface AppointmentSeriesTable {
  id: Generated<string>;
  practice_id: string;
  rrule: string;
  /** Local wall time, `2026-03-30 10:00:00`. */
  first_local_start: string;
  time_zone: string;
  duration_minutes: number;
  created_by: string | null;
  created_at: Timestamp;
}

export interface AppointmentsTable {
  id: Generated<string>;
  practice_id: string;
  series_id: string | null;
  series_position: number | null;
  service_id: string;
  mode: AppointmentMode;
  location_id: string | null;
  room_id: string | null;
  starts_at: RequiredTimestamp;
  ends_at: RequiredTimestamp;
  /** Local wall time in `time_zone`, `2026-03-30 10:00:00`. */
  local_start: string;
  time_zone: string;
  status: Generated<AppointmentStatus>;
  occupies: ColumnType<boolean, never, never>;
  during: Range;
  status_reason: string | null;
  status_changed_by: string | null;
  status_changed_at: Date | null;
  cancelled_by: 'client' | 'practice' | null;
  fee_decision: 'charge' | 'waive' | null;
  video_room_id: string | null;
  video_url: string | null;
  outside_hours_reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppointmentParticipantColumns {
  appointment_id: string;
  practice_id: string;
  /** Filled from the appointment by a trigger. */
  during: ColumnType<string, never, never>;
  occupies: ColumnType<boolean, never, never>;
}
export interface AppointmentCliniciansTable extends AppointmentParticipantColumns {
  membership_id: string;
}
export interface AppointmentClientsTable extends AppointmentParticipantColumns {
  client_id: string;
}

export interface AppointmentEventsTable {
  id: Generated<string>;
  practice_id: string;
  appointment_id: string;
  at: Timestamp;
  user_id: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>>;
}

export interface IdempotencyKeysTable {
  practice_id: string;
  user_id: string;
  key: string;
  request_hash: Buffer;
  response_status: number | null;
  response_body: Json<unknown> | null;
  created_at: Timestamp;
}

export interface AppointmentRemindersTable {
  id: Generated<string>;
  practice_id: string;
  appointment_id: string;
  kind: 'invitation' | 'reminder' | 'cancellation' | 'change';
  channel: 'email' | 'sms';
  lead_hours: number | null;
  due_at: RequiredTimestamp;
  status: Generated<'scheduled' | 'sent' | 'failed' | 'skipped'>;
  attempts: Generated<number>;
  last_error: string | null;
  email_id: string | null;
  sent_at: Date | null;
  created_at: Timestamp;
  client_id: string | null;
  planned_start: Date | null;
  skip_reason: string | null;
  content_key: string | null;
}

export interface CalendarFeedsTable {
  id: Generated<string>;
  practice_id: string;
  membership_id: string;
  token_hash: Buffer;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Date | null;
  last_read_at: Date | null;
}

export interface SmsOutboxTable {
  id: Generated<string>;
  practice_id: string | null;
  to_number: string;
  body_text: string;
  transport: 'log';
  created_at: Timestamp;
}

export interface WaitlistEntriesTable {
  id: Generated<string>;
  practice_id: string;
  client_id: string;
  service_id: string | null;
  membership_id: string | null;
  modes: AppointmentMode[];
  weekdays: number[];
  day_parts: ('morning' | 'afternoon' | 'evening')[];
  urgency: Generated<'routine' | 'soon' | 'urgent'>;
  remark: string | null;
  status: Generated<'waiting' | 'offered' | 'booked' | 'removed'>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WaitlistOffersTable {
  id: Generated<string>;
  practice_id: string;
  entry_id: string;
  membership_id: string;
  starts_at: RequiredTimestamp;
  ends_at: RequiredTimestamp;
  mode: AppointmentMode;
  status: Generated<'open' | 'accepted' | 'declined' | 'withdrawn'>;
  appointment_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  responded_at: Date | null;
}

export interface TasksTable {
  id: Generated<string>;
  practice_id: string;
  assignee_membership_id: string;
  kind: 'no_show_follow_up';
  client_id: string | null;
  appointment_id: string | null;
  status: Generated<'open' | 'done'>;
  due_date: string | null;
  created_by: string | null;
  created_at: Timestamp;
  done_at: Date | null;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  password_resets: PasswordResetsTable;
  password_reset_requests: PasswordResetRequestsTable;
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
  audit_links: AuditLinksTable;
  audit_seals: AuditSealsTable;
  clients: ClientsTable;
  client_history: ClientHistoryTable;
  care_trajectories: CareTrajectoriesTable;
  documents: DocumentsTable;
  document_blobs: DocumentBlobsTable;
  clinical_notes: ClinicalNotesTable;
  destruction_requests: DestructionRequestsTable;
  service_clinicians: ServiceCliniciansTable;
  absences: AbsencesTable;
  appointment_series: AppointmentSeriesTable;
  appointments: AppointmentsTable;
  appointment_clinicians: AppointmentCliniciansTable;
  appointment_clients: AppointmentClientsTable;
  appointment_events: AppointmentEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  appointment_reminders: AppointmentRemindersTable;
  calendar_feeds: CalendarFeedsTable;
  waitlist_entries: WaitlistEntriesTable;
  waitlist_offers: WaitlistOffersTable;
  tasks: TasksTable;
  treatment_relationships: TreatmentRelationshipsTable;
  break_glass_grants: BreakGlassGrantsTable;
  sms_outbox: SmsOutboxTable;
  recovery_codes: RecoveryCodesTable;
}

/** Tables that hold one practice's data; every one carries `practice_id`. */
export type PracticeTable =
  | 'memberships'
  | 'invitations'
  | 'locations'
  | 'rooms'
  | 'services'
  | 'working_hours'
  | 'clients'
  | 'client_history'
  | 'care_trajectories'
  | 'documents'
  | 'document_blobs'
  | 'clinical_notes'
  | 'destruction_requests'
  | 'service_clinicians'
  | 'absences'
  | 'appointment_series'
  | 'appointments'
  | 'appointment_clinicians'
  | 'appointment_clients'
  | 'appointment_events'
  | 'idempotency_keys'
  | 'appointment_reminders'
  | 'calendar_feeds'
  | 'waitlist_entries'
  | 'waitlist_offers'
  | 'tasks'
  | 'treatment_relationships'
  | 'break_glass_grants';
