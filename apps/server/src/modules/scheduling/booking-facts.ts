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
 * one round trip and without a transaction. Every part is filtered on the practice. The
 * statement is the SQL function `booking_facts` (migration 0008), whose plan PostgreSQL keeps.
 * Works on the pool or inside a transaction; the exclusion constraints still decide at insert.
 */
export async function readBookingFacts(db: Kysely<DB>, r: Request): Promise<BookingFacts> {
  const first = Math.min(...r.starts.map((d) => d.getTime()));
  const last = Math.max(...r.starts.map((d) => d.getTime())) + DAY_MS;
  const starts = r.starts.map((d) => d.toISOString());
  const p = r.practiceId;
  const result = await sql<{ facts: RawFacts }>`
SELECT booking_facts(${p}, ${r.serviceId}, ${r.clinicianIds}::uuid[], ${r.clientIds}::uuid[], ${r.locationId}::uuid, ${r.roomId}::uuid,
  ${starts}::timestamptz[], ${new Date(first)}, ${new Date(last)}) AS facts`.execute(db);
  const row = result.rows[0]?.facts;
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
