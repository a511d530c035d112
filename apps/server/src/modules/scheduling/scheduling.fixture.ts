/** A practice ready for scheduling tests: clinicians with working hours, a location with rooms, a service, clients. */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Client, TestApp } from '../../test/harness.ts';
import { addMember, createTestPractice, createUser, signIn, type TestPractice, type TestUser } from '../../test/factories.ts';

export interface SchedulingWorld {
  practice: TestPractice;
  base: string;
  owner: Client;
  clinicians: { user: TestUser; membershipId: string; name: string }[];
  locationId: string;
  otherLocationId: string;
  roomIds: string[];
  otherRoomId: string;
  serviceId: string;
  clientIds: string[];
}

/** Monday to Friday 09:00–17:00, every mode, any location, for each clinician. */
export async function schedulingWorld(t: TestApp, opts: { clinicians?: number; clients?: number } = {}): Promise<SchedulingWorld> {
  const { db } = t.deps;
  const practice = await createTestPractice(t.deps);
  const id = practice.id;
  const tag = crypto.randomUUID().slice(0, 6);
  const clinicians = [];
  for (let i = 0; i < (opts.clinicians ?? 2); i++) {
    const name = `Dr Clinician${i} ${tag}`;
    const user = await createUser(t.deps, { name });
    const membershipId = await addMember(t.deps, id, user, ['clinician']);
    await db
      .insertInto('working_hours')
      .values(
        [1, 2, 3, 4, 5].map((weekday) => ({
          practice_id: id,
          membership_id: membershipId,
          weekday,
          start_time: '09:00',
          end_time: '17:00',
          location_id: null,
          modes: ['in_person', 'video', 'phone', 'async'],
        })),
      )
      .execute();
    clinicians.push({ user, membershipId, name });
  }
  const location = await db.insertInto('locations').values({ practice_id: id, name: 'Centrum' }).returning('id').executeTakeFirstOrThrow();
  const other = await db.insertInto('locations').values({ practice_id: id, name: 'Noord' }).returning('id').executeTakeFirstOrThrow();
  const rooms = await db
    .insertInto('rooms')
    .values([
      { practice_id: id, location_id: location.id, name: 'Kamer 1' },
      { practice_id: id, location_id: location.id, name: 'Kamer 2' },
      { practice_id: id, location_id: other.id, name: 'Kamer N' },
    ])
    .returning(['id', 'location_id'])
    .execute();
  const service = await db
    .insertInto('services')
    .values({
      practice_id: id,
      name: 'Behandelgesprek',
      default_duration_minutes: 50,
      allowed_modes: ['in_person', 'video', 'phone'],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const clientIds: string[] = [];
  for (let i = 0; i < (opts.clients ?? 3); i++) {
    const c = await db
      .insertInto('clients')
      .values({
        practice_id: id,
        client_number: `C-${String(i + 1).padStart(6, '0')}`,
        first_name: `Client${i}`,
        last_name: `Tester ${tag}`,
        date_of_birth: '1985-06-15',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    clientIds.push(c.id);
  }
  return {
    practice,
    base: `/api/v1/practices/${id}`,
    owner: await signIn(t, practice.owner),
    clinicians,
    locationId: location.id,
    otherLocationId: other.id,
    roomIds: rooms.filter((r) => r.location_id === location.id).map((r) => r.id),
    otherRoomId: rooms.find((r) => r.location_id === other.id)?.id ?? '',
    serviceId: service.id,
    clientIds,
  };
}

/** A booking body: client 0 with clinician 0, in person in room 0, overridable. */
export function bookingBody(w: SchedulingWorld, extra: Record<string, unknown> = {}) {
  return {
    clientIds: [w.clientIds[0]],
    clinicianIds: [w.clinicians[0]?.membershipId],
    serviceId: w.serviceId,
    mode: 'in_person',
    locationId: w.locationId,
    roomId: w.roomIds[0],
    start: '2030-01-07T10:00',
    ...extra,
  };
}

/** Rows in the appointment tables of a practice (for "nothing saved"). */
export async function appointmentCounts(t: TestApp, practiceId: string) {
  const count = async (table: 'appointments' | 'appointment_series' | 'appointment_clinicians' | 'appointment_clients') =>
    (await t.deps.db.selectFrom(table).select('practice_id').where('practice_id', '=', practiceId).execute()).length;
  return {
    appointments: await count('appointments'),
    series: await count('appointment_series'),
    clinicians: await count('appointment_clinicians'),
    clients: await count('appointment_clients'),
  };
}

/** Pairs of occupying rows that overlap for the same clinician, client or room: must always be 0. */
export async function overlapCount(t: TestApp, practiceId?: string): Promise<number> {
  const where = practiceId ? sql`AND a.practice_id = ${practiceId}` : sql``;
  const r = await sql<{ n: number }>`
    SELECT (
      (SELECT count(*) FROM appointment_clinicians a JOIN appointment_clinicians b
         ON a.membership_id = b.membership_id AND a.appointment_id < b.appointment_id AND a.during && b.during
       WHERE a.occupies AND b.occupies ${where})
    + (SELECT count(*) FROM appointment_clients a JOIN appointment_clients b
         ON a.client_id = b.client_id AND a.appointment_id < b.appointment_id AND a.during && b.during
       WHERE a.occupies AND b.occupies ${where})
    + (SELECT count(*) FROM appointments a JOIN appointments b
         ON a.room_id = b.room_id AND a.id < b.id AND a.during && b.during
       WHERE a.occupies AND b.occupies ${where})
    )::int AS n`.execute(t.deps.db);
  return r.rows[0]?.n ?? -1;
}

/** Participant rows whose copy of the time range or state differs from their appointment: must be 0. */
export async function desyncCount(t: TestApp): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT (
      (SELECT count(*) FROM appointment_clinicians p JOIN appointments a ON a.id = p.appointment_id
       WHERE p.during <> a.during OR p.occupies <> a.occupies)
    + (SELECT count(*) FROM appointment_clients p JOIN appointments a ON a.id = p.appointment_id
       WHERE p.during <> a.during OR p.occupies <> a.occupies)
    )::int AS n`.execute(t.deps.db);
  return r.rows[0]?.n ?? -1;
}
