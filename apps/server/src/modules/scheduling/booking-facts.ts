import { sql, type Kysely } from 'kysely';
import type { CommunicationJson, ConsentsJson, DB, AddressJson } from '../../db/schema.ts';
import type { AbsenceRow, ClientRow, ServiceRow, WorkingHourRow } from './booking-rules.ts';

/** How far after an occurrence's start a taken time can still touch it: appointments last < 24 h. */
const DAY_MS = 24 * 3_600_000;

export interface BookingClientRow extends ClientRow {
  email: string | null;
  phone: string | null;
  consents: ConsentsJson;
  communication: CommunicationJson;
}

/** A time already taken by one of the booking's clinicians or clients, or its room. */
export interface TakenTime {
  kind: 'room' | 'clinician' | 'client';
  /** The room, membership or client id. */
  id: string;
  startsAt: Date;
  endsAt: Date;
}

/** Everything a booking is checked against, read in one statement. */
export interface BookingFacts {
  practice: { videoUrlTemplate: string; reminderLeadHours: number[] };
  service: ServiceRow | null;
  clinicians: { id: string; name: string }[];
  clients: BookingClientRow[];
  location: { id: string; name: string; active: boolean; address: AddressJson | null } | null;
  room: { id: string; name: string; location_id: string; active: boolean } | null;
  hours: WorkingHourRow[];
  absences: AbsenceRow[];
  /** Taken times that may overlap an occurrence (from each start to a day later); the caller compares exactly. */
  taken: TakenTime[];
}

interface Request {
  practiceId: string;
  serviceId: string;
  clinicianIds: string[];
  clientIds: string[];
  locationId: string | null;
  roomId: string | null;
  /** The occurrences' starts. */
  starts: Date[];
}

interface RawFacts {
  practice: { videoUrlTemplate: string; reminderLeadHours: number[] } | null;
  service: ServiceRow | null;
  clinicians: { id: string; name: string }[];
  clients: (Omit<BookingClientRow, 'destroyed_at'> & { destroyed_at: string | null })[];
  location: BookingFacts['location'];
  room: BookingFacts['room'];
  hours: WorkingHourRow[];
  absences: (Omit<AbsenceRow, 'starts_at' | 'ends_at'> & { starts_at: string; ends_at: string })[];
  taken: { kind: TakenTime['kind']; id: string; starts_at: string; ends_at: string }[];
}

/**
 * Reads the practice's booking settings, the service, clinicians, clients, place, working
 * hours, absences and the times already taken around each occurrence — in one statement, so
 * that a booking that cannot succeed (most of a storm on a few hot slots) is answered after
 * one round trip and without a transaction. Every part is filtered on the practice. Works on
 * the pool or inside a transaction; the exclusion constraints still decide at insert time.
 */
export async function readBookingFacts(db: Kysely<DB>, r: Request): Promise<BookingFacts> {
  const first = Math.min(...r.starts.map((d) => d.getTime()));
  const last = Math.max(...r.starts.map((d) => d.getTime())) + DAY_MS;
  const starts = r.starts.map((d) => d.toISOString());
  const p = r.practiceId;
  const result = await sql<RawFacts>`
WITH o AS (SELECT s, tstzrange(s, s + interval '1 day') AS around FROM unnest(${starts}::timestamptz[]) AS u(s))
SELECT
  (SELECT json_build_object('videoUrlTemplate', video_url_template, 'reminderLeadHours', reminder_lead_hours)
     FROM practices WHERE id = ${p}) AS practice,
  (SELECT row_to_json(s) FROM (
     SELECT id, name, default_duration_minutes, allowed_modes, buffer_minutes, active
       FROM services WHERE practice_id = ${p} AND id = ${r.serviceId}) s) AS service,
  (SELECT coalesce(json_agg(json_build_object('id', m.id, 'name', u.name)), '[]')
     FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.practice_id = ${p} AND m.id = ANY(${r.clinicianIds}::uuid[]) AND m.active
      AND m.roles @> ARRAY['clinician']) AS clinicians,
  (SELECT coalesce(json_agg(row_to_json(c)), '[]') FROM (
     SELECT id, client_number, first_name, name_prefix, last_name, pseudonym, destroyed_at, merged_into,
            email, phone, consents, communication
       FROM clients WHERE practice_id = ${p} AND id = ANY(${r.clientIds}::uuid[])) c) AS clients,
  (SELECT row_to_json(l) FROM (
     SELECT id, name, active, address FROM locations WHERE practice_id = ${p} AND id = ${r.locationId}::uuid) l) AS location,
  (SELECT row_to_json(x) FROM (
     SELECT id, name, location_id, active FROM rooms WHERE practice_id = ${p} AND id = ${r.roomId}::uuid) x) AS room,
  (SELECT coalesce(json_agg(row_to_json(h)), '[]') FROM (
     SELECT membership_id, weekday, start_time, end_time, location_id, modes
       FROM working_hours WHERE practice_id = ${p} AND membership_id = ANY(${r.clinicianIds}::uuid[])) h) AS hours,
  (SELECT coalesce(json_agg(row_to_json(a)), '[]') FROM (
     SELECT membership_id, kind, starts_at, ends_at FROM absences
      WHERE practice_id = ${p} AND (membership_id = ANY(${r.clinicianIds}::uuid[]) OR membership_id IS NULL)
        AND starts_at < ${new Date(last)} AND ends_at > ${new Date(first)}) a) AS absences,
  (SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM (
     SELECT DISTINCT * FROM (
       SELECT 'room' AS kind, a.room_id AS id, lower(a.during) AS starts_at, upper(a.during) AS ends_at
         FROM o JOIN appointments a ON a.room_id = ${r.roomId}::uuid AND a.during && o.around AND a.occupies
        WHERE a.practice_id = ${p}
       UNION ALL
       SELECT 'clinician', ac.membership_id, lower(ac.during), upper(ac.during)
         FROM o CROSS JOIN unnest(${r.clinicianIds}::uuid[]) AS m(id)
         JOIN appointment_clinicians ac ON ac.membership_id = m.id AND ac.during && o.around AND ac.occupies
        WHERE ac.practice_id = ${p}
       UNION ALL
       SELECT 'client', ak.client_id, lower(ak.during), upper(ak.during)
         FROM o CROSS JOIN unnest(${r.clientIds}::uuid[]) AS c(id)
         JOIN appointment_clients ak ON ak.client_id = c.id AND ak.during && o.around AND ak.occupies
        WHERE ak.practice_id = ${p}) all_taken) t) AS taken`.execute(db);
  const row = result.rows[0];
  if (!row?.practice) throw new Error(`practice ${p} not found while booking`);
  return {
    practice: row.practice,
    service: row.service,
    clinicians: row.clinicians,
    clients: row.clients.map((c) => ({ ...c, destroyed_at: c.destroyed_at === null ? null : new Date(c.destroyed_at) })),
    location: row.location,
    room: row.room,
    hours: row.hours,
    absences: row.absences.map((a) => ({ ...a, starts_at: new Date(a.starts_at), ends_at: new Date(a.ends_at) })),
    taken: row.taken.map((t) => ({ kind: t.kind, id: t.id, startsAt: new Date(t.starts_at), endsAt: new Date(t.ends_at) })),
  };
}
