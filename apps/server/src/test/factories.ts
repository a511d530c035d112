import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '@calmdesk/shared';
import type { AppDeps } from '../platform/context.ts';
import { hashPassword } from '../modules/identity/passwords.ts';
import { currentTotp, newTotpSecret } from '../modules/identity/totp.ts';
import { createPractice } from '../modules/practices/profile.ts';
import { Client, type TestApp } from './harness.ts';

export const TEST_PASSWORD = 'correct-horse-battery-staple-42';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  /** Last TOTP time step used, so repeated sign-ins use a fresh step. */
  lastStep: number;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}@test.example`;
}

/** An account with a known password and an enrolled authenticator (system insert). */
export async function createUser(deps: AppDeps, opts: { email?: string; name?: string; enrolled?: boolean } = {}): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = opts.email ?? uniqueEmail();
  const secret = newTotpSecret();
  const enrolled = opts.enrolled ?? true;
  const row = await deps.db
    .insertInto('users')
    .values({
      email,
      name: opts.name ?? `Test ${email.split('@')[0]}`,
      password_hash: await passwordHash,
      totp_secret_enc: enrolled ? deps.secrets.seal(secret) : null,
      totp_enrolled_at: enrolled ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password: TEST_PASSWORD, totpSecret: secret, lastStep: 0 };
}

/** The next TOTP code this user has not used yet (the server refuses replays). */
export function nextCode(user: TestUser): string {
  const nowStep = Math.floor(Date.now() / 30_000);
  const step = Math.max(nowStep - 1, user.lastStep + 1);
  if (step > nowStep + 1) throw new Error('test used more than 3 TOTP codes within 30 s');
  user.lastStep = step;
  return currentTotp(user.totpSecret, step * 30_000 + 1000);
}

/** Signs a user in through the API: password, then TOTP code. Returns the signed-in client. */
export async function signIn(t: TestApp, user: TestUser): Promise<Client> {
  const client = new Client(t.url);
  const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  let verify = await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) });
  // nextCode may pick the oldest step the server accepts; on a busy machine a 30 s boundary
  // can pass before the server checks it, so one retry with the next step.
  if (verify.status === 400) verify = await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) });
  if (verify.status !== 200) throw new Error(`totp failed: ${verify.status} ${JSON.stringify(verify.body)}`);
  return client;
}

export interface TestPractice {
  id: string;
  name: string;
  owner: TestUser;
}

/** A fresh practice with its owner (a new one per test keeps tests independent). */
export async function createTestPractice(deps: AppDeps, opts: { name?: string; owner?: TestUser } = {}): Promise<TestPractice> {
  const owner = opts.owner ?? (await createUser(deps));
  const name = opts.name ?? `Practice ${crypto.randomUUID().slice(0, 8)}`;
  const p = await deps.db
    .transaction()
    .execute((tx) => createPractice(tx, owner.id, { name, timeZone: 'Europe/Amsterdam', locale: 'nl' }, { requestId: null, ip: null }));
  return { id: p.id, name, owner };
}

/** Adds an existing user to a practice with roles. */
export async function addMember(deps: AppDeps, practiceId: string, user: TestUser, roles: Role[]): Promise<string> {
  const row = await deps.db
    .insertInto('memberships')
    .values({ practice_id: practiceId, user_id: user.id, roles })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Number of access-log entries of a practice (for "exactly one entry" assertions). */
export async function auditCount(deps: AppDeps, practiceId: string | null): Promise<number> {
  const row = await deps.db
    .selectFrom('audit_log')
    .select(sql<string>`count(*)`.as('n'))
    .where('chain_id', '=', practiceId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The last e-mail recorded in the outbox for an address, with the token of its link. */
export async function lastEmailTo(deps: AppDeps, address: string): Promise<{ subject: string; text: string; token: string } | undefined> {
  const row = await deps.db
    .selectFrom('email_outbox')
    .select(['subject', 'body_text'])
    .where('to_address', '=', address)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(row.body_text)?.[1];
  if (!token) throw new Error(`no token link in the e-mail to ${address}: ${row.body_text}`);
  return { subject: row.subject, text: row.body_text, token };
}

/** Moves a user's second-factor confirmation back in time on all their sessions (step-up tests). */
export async function ageSecondFactor(deps: AppDeps, user: TestUser, minutes: number): Promise<void> {
  await deps.db
    .updateTable('sessions')
    .set({ second_factor_at: new Date(Date.now() - minutes * 60_000) })
    .where('user_id', '=', user.id)
    .execute();
}

/** The ids of a populated practice by kind (`client` fills `clientId`, `leadMembership` fills `leadMembershipId` …). */
export function objectIds(p: PopulatedPractice): Record<string, string> {
  return {
    practice: p.id,
    location: p.locationId,
    room: p.roomId,
    service: p.serviceId,
    membership: p.clinicianMembershipId,
    invitation: p.invitationId,
    client: p.clientId,
    duplicate: p.duplicateClientId,
    trajectory: p.trajectoryId,
    leadMembership: p.leadMembershipId,
    clinician: p.leadMembershipId,
    appointment: p.appointmentId,
    document: p.documentId,
    note: p.noteId,
    absence: p.absenceId,
    waitlistEntry: p.waitlistEntryId,
    waitlistOffer: p.waitlistOfferId,
    relationship: p.relationshipId,
  };
}

export interface PopulatedPractice extends TestPractice {
  marker: string;
  locationId: string;
  roomId: string;
  serviceId: string;
  /** The owner's membership. */
  ownerMembershipId: string;
  clinician: TestUser;
  clinicianMembershipId: string;
  invitationId: string;
  /** A second clinician, lead of the trajectory (the walker's staff PATCH rewrites `clinician`'s roles). */
  leadMembershipId: string;
  /** A registered client (names carry the marker) with an open care trajectory. */
  clientId: string;
  /** A second client of the same practice, without a BSN, to merge into the first. */
  duplicateClientId: string;
  trajectoryId: string;
  /** A PDF document of the client (file name carries the marker). */
  documentId: string;
  /** A clinical note on the client by `clinician` (text carries the marker). */
  noteId: string;
  /** An in-person appointment of the client with the lead clinician, Monday 2030-01-07 13:00. */
  appointmentId: string;
  /** Leave of `clinician`, 4–8 March 2030 (description carries the marker). */
  absenceId: string;
  /** The client waiting for the lead clinician (video, Monday mornings), with an open offer (Monday 2030-01-21 10:00). */
  waitlistEntryId: string;
  waitlistOfferId: string;
  /** The lead clinician's active treatment relationship with the client. */
  relationshipId: string;
}

/** A waitlist entry of the client with an open offer of a video slot (accepting it books Monday 2030-01-21 10:00). */
export async function populateWaitlist(
  deps: AppDeps,
  practiceId: string,
  p: { clientId: string; membershipId: string; marker: string },
): Promise<{ waitlistEntryId: string; waitlistOfferId: string }> {
  // A service of its own: the walker's PATCH of the practice's service may take video away.
  const service = await deps.db
    .insertInto('services')
    .values({ practice_id: practiceId, name: `Waitlist service ${p.marker}`, default_duration_minutes: 45, allowed_modes: ['video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const entry = await deps.db
    .insertInto('waitlist_entries')
    .values({
      practice_id: practiceId,
      client_id: p.clientId,
      service_id: service.id,
      membership_id: p.membershipId,
      modes: ['video'],
      weekdays: [1],
      day_parts: ['morning'],
      status: 'offered',
      remark: `Waiting ${p.marker}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const offer = await deps.db
    .insertInto('waitlist_offers')
    .values({
      practice_id: practiceId,
      entry_id: entry.id,
      membership_id: p.membershipId,
      starts_at: '2030-01-21T09:00:00Z',
      ends_at: '2030-01-21T09:45:00Z',
      mode: 'video',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { waitlistEntryId: entry.id, waitlistOfferId: offer.id };
}

/**
 * An appointment written straight into the tables (for walkers that need one to exist):
 * Monday 2030-01-07 13:00–13:45 Amsterdam, in person when a place is given, else by video.
 */
export async function insertAppointment(
  deps: AppDeps,
  a: { practiceId: string; serviceId: string; membershipId: string; clientId: string; place?: { locationId: string; roomId: string } },
): Promise<{ id: string }> {
  const { db } = deps;
  const appointment = await db
    .insertInto('appointments')
    .values({
      practice_id: a.practiceId,
      service_id: a.serviceId,
      mode: a.place ? 'in_person' : 'video',
      location_id: a.place?.locationId ?? null,
      room_id: a.place?.roomId ?? null,
      starts_at: '2030-01-07T12:00:00Z',
      ends_at: '2030-01-07T12:45:00Z',
      local_start: '2030-01-07 13:00:00',
      time_zone: 'Europe/Amsterdam',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('appointment_clinicians')
    .values({ practice_id: a.practiceId, appointment_id: appointment.id, membership_id: a.membershipId })
    .execute();
  await db
    .insertInto('appointment_clients')
    .values({ practice_id: a.practiceId, appointment_id: appointment.id, client_id: a.clientId })
    .execute();
  return appointment;
}

/** A random 9-digit BSN that passes the eleven-test (never the placeholder or all zeros). */
export function randomBsn(): string {
  for (;;) {
    const digits = [1 + crypto.randomInt(9), ...Array.from({ length: 7 }, () => crypto.randomInt(10))];
    const sum = digits.reduce((acc, d, i) => acc + d * (9 - i), 0);
    const last = sum % 11;
    if (last < 10) return [...digits, last].join('');
  }
}

/**
 * A practice with one of everything (location, room, service, a clinician with working
 * hours, a pending invitation, two clients, an open care trajectory), every name carrying `marker` so a leak is easy to spot.
 */
export async function createPopulatedPractice(deps: AppDeps, marker = `MARKER-${crypto.randomUUID()}`): Promise<PopulatedPractice> {
  const owner = await createUser(deps, { name: `Owner ${marker}` });
  const practice = await createTestPractice(deps, { name: `Practice ${marker}`, owner });
  const id = practice.id;
  const { db } = deps;
  const ownerMembership = await db
    .selectFrom('memberships')
    .select('id')
    .where('practice_id', '=', id)
    .where('user_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  const location = await db
    .insertInto('locations')
    .values({
      practice_id: id,
      name: `Location ${marker}`,
      address: JSON.stringify({ street: `Street ${marker}`, postalCode: '1011 AB', city: 'Amsterdam', country: 'NL' }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const room = await db
    .insertInto('rooms')
    .values({ practice_id: id, location_id: location.id, name: `Room ${marker}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = await db
    .insertInto('services')
    .values({ practice_id: id, name: `Service ${marker}`, default_duration_minutes: 45, allowed_modes: ['in_person', 'video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const clinician = await createUser(deps, { name: `Clinician ${marker}` });
  const clinicianMembershipId = await addMember(deps, id, clinician, ['clinician']);
  await db
    .insertInto('working_hours')
    .values({
      practice_id: id,
      membership_id: clinicianMembershipId,
      weekday: 1,
      start_time: '09:00',
      end_time: '17:00',
      location_id: location.id,
      modes: ['in_person'],
    })
    .execute();
  const invitation = await db
    .insertInto('invitations')
    .values({
      practice_id: id,
      email: uniqueEmail('invitee'),
      roles: ['back_office'],
      token_hash: crypto.randomBytes(32),
      invited_by: owner.id,
      expires_at: new Date(Date.now() + 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The walker's generated POST /trajectories must succeed beside the open one below.
  await db.updateTable('practices').set({ allow_multiple_open_trajectories: true, next_client_number: 3 }).where('id', '=', id).execute();
  const newClient = (clientNumber: string, lastName: string, bsn: string | null) =>
    db
      .insertInto('clients')
      .values({
        practice_id: id,
        client_number: clientNumber,
        first_name: `Client ${marker}`,
        last_name: lastName,
        date_of_birth: '1980-03-27',
        bsn,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const client = await newClient('C-000001', `Primary ${marker}`, randomBsn());
  const duplicate = await newClient('C-000002', `Duplicate ${marker}`, null);
  const leadMembershipId = await addMember(deps, id, await createUser(deps, { name: `Lead ${marker}` }), ['clinician']);
  await db
    .insertInto('working_hours')
    .values({
      practice_id: id,
      membership_id: leadMembershipId,
      weekday: 1,
      start_time: '09:00',
      end_time: '17:00',
      location_id: location.id,
      modes: ['in_person', 'video'],
    })
    .execute();
  const appointment = await insertAppointment(deps, {
    practiceId: id,
    serviceId: service.id,
    membershipId: leadMembershipId,
    clientId: client.id,
    place: { locationId: location.id, roomId: room.id },
  });
  const trajectory = await db
    .insertInto('care_trajectories')
    .values({
      practice_id: id,
      client_id: client.id,
      start_date: '2019-09-02',
      lead_membership_id: leadMembershipId,
      care_demand_type: `Care ${marker}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const document = await db
    .insertInto('documents')
    .values({
      practice_id: id,
      client_id: client.id,
      label: 'referral_letter',
      file_name: `Referral ${marker}.pdf`,
      mime_type: 'application/pdf',
      size_bytes: 9,
      sha256: crypto.createHash('sha256').update('%PDF-1.4\n').digest(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('document_blobs')
    .values({ document_id: document.id, practice_id: id, content: Buffer.from('%PDF-1.4\n') })
    .execute();
  const note = await db
    .insertInto('clinical_notes')
    .values({ practice_id: id, client_id: client.id, author_membership_id: clinicianMembershipId, kind: 'free', body: `Note ${marker}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The lead treats the client (the note's author, `clinician`, does not).
  const relationship = await db
    .insertInto('treatment_relationships')
    .values({
      practice_id: id,
      client_id: client.id,
      membership_id: leadMembershipId,
      trajectory_id: trajectory.id,
      started_via: 'assigned',
      started_by: owner.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const absence = await db
    .insertInto('absences')
    .values({
      practice_id: id,
      membership_id: clinicianMembershipId,
      kind: 'leave',
      starts_at: '2030-03-03T23:00:00Z',
      ends_at: '2030-03-08T23:00:00Z',
      description: `Leave ${marker}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    ...practice,
    marker,
    locationId: location.id,
    roomId: room.id,
    serviceId: service.id,
    ownerMembershipId: ownerMembership.id,
    clinician,
    clinicianMembershipId,
    invitationId: invitation.id,
    leadMembershipId,
    clientId: client.id,
    duplicateClientId: duplicate.id,
    trajectoryId: trajectory.id,
    documentId: document.id,
    noteId: note.id,
    appointmentId: appointment.id,
    absenceId: absence.id,
    relationshipId: relationship.id,
    ...(await populateWaitlist(deps, id, { clientId: client.id, membershipId: leadMembershipId, marker })),
  };
}

const PRACTICE_TABLES = [
  'locations',
  'rooms',
  'services',
  'working_hours',
  'invitations',
  'memberships',
  'clients',
  'client_history',
  'care_trajectories',
  'documents',
  'clinical_notes',
  'destruction_requests',
  'absences',
  'appointment_series',
  'appointments',
  'appointment_reminders',
  'calendar_feeds',
  'waitlist_entries',
  'waitlist_offers',
  'tasks',
  'treatment_relationships',
  'break_glass_grants',
] as const;
/** Practice tables keyed by something other than `id`, with the columns that order them. */
const LINK_TABLES = {
  appointment_clinicians: ['appointment_id', 'membership_id'],
  appointment_clients: ['appointment_id', 'client_id'],
  service_clinicians: ['service_id', 'membership_id'],
  idempotency_keys: ['user_id', 'key'],
} as const;

/**
 * Every row a practice owns (profile, members and their accounts, setup data), as JSON text
 * in a stable order: compare two snapshots to prove nothing changed.
 */
export async function snapshotPractice(deps: AppDeps, practiceId: string): Promise<string> {
  const { db } = deps;
  const out: Record<string, unknown> = {};
  out.practices = await db.selectFrom('practices').selectAll().where('id', '=', practiceId).execute();
  for (const table of PRACTICE_TABLES) {
    out[table] = await db.selectFrom(table).selectAll().where('practice_id', '=', practiceId).orderBy('id').execute();
  }
  for (const [table, order] of Object.entries(LINK_TABLES) as [keyof typeof LINK_TABLES, readonly string[]][]) {
    let q = db.selectFrom(table).selectAll().where('practice_id', '=', practiceId);
    for (const column of order) q = q.orderBy(column as never);
    out[table] = await q.execute();
  }
  out.appointment_events = await db
    .selectFrom('appointment_events')
    .selectAll()
    .where('practice_id', '=', practiceId)
    .orderBy('id')
    .execute();
  out.users = await db
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.name', 'users.password_hash', 'users.updated_at'])
    .where('memberships.practice_id', '=', practiceId)
    .orderBy('users.id')
    .execute();
  return JSON.stringify(out);
}
