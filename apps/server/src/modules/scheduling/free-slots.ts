import { sql, type RawBuilder } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { z } from 'zod';
import type { FreeSlotList, FreeSlotQuery } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { scoped } from '../../platform/tenancy.ts';
import { plainDate } from './absences.ts';
import {
  busyWithBuffer,
  findSlots,
  localStart,
  mergeIntervals,
  type Interval,
  type Slot,
  type SlotClinician,
  type SlotRoom,
} from './slot-finder.ts';

type Query = z.infer<typeof FreeSlotQuery>;

export const MAX_SLOT_RANGE_DAYS = 31;
/** The largest buffer a service may have (CHECK in 0005): a session this far outside the range can still block it. */
const MAX_BUFFER_MINUTES = 120;

/** `09:00:00` → 540. */
function minuteOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A boolean SQL fragment (a range test, a filter). */
type Range = RawBuilder<boolean>;

/** Epoch milliseconds of a timestamptz column or of `lower(col)` / `upper(col)` of a range. */
const epochMs = (column: string) => {
  const bound = /^(lower|upper)\((.+)\)$/.exec(column);
  const ref = bound ? sql`${sql.raw(bound[1] ?? '')}(${sql.ref(bound[2] ?? '')})` : sql.ref(column);
  return sql<number>`(extract(epoch from ${ref}) * 1000)::float8`;
};

/** The service, the practice's zone, who offers the service, and the location asked for: one statement. */
async function loadService(ctx: PracticeCtx, q: Query) {
  const service = await scoped(ctx)
    .selectFrom('services')
    .innerJoin('practices', 'practices.id', 'services.practice_id')
    .select([
      'services.name',
      'services.default_duration_minutes',
      'services.allowed_modes',
      'services.buffer_minutes',
      'services.active',
      'practices.time_zone',
      sql<string[]>`array(select sc.membership_id::text from service_clinicians sc
        where sc.practice_id = services.practice_id and sc.service_id = services.id)`.as('offered_by'),
      sql<
        boolean | null
      >`(select l.active from locations l where l.practice_id = services.practice_id and l.id = ${q.locationId ?? null})`.as(
        'location_active',
      ),
      sql<[string, number][]>`(select coalesce(json_agg(json_build_array(b.id, b.buffer_minutes)), '[]') from services b
        where b.practice_id = services.practice_id and b.buffer_minutes > 0)`.as('buffers'),
    ])
    .where('services.id', '=', q.serviceId)
    .executeTakeFirst();
  if (!service) throw AppError.field('query.serviceId', 'no service with this id in this practice');
  if (!service.active) throw AppError.field('query.serviceId', 'this service is no longer offered');
  if (!service.allowed_modes.includes(q.mode)) {
    throw AppError.field('query.mode', `${service.name} is not offered as ${q.mode}; allowed: ${service.allowed_modes.join(', ')}`);
  }
  if (q.locationId !== undefined && service.location_active !== true) {
    throw AppError.field('query.locationId', 'no active location with this id in this practice');
  }
  return service;
}

/** One clinician asked for must be an active clinician here who offers the service. */
async function checkClinician(ctx: PracticeCtx, clinicianId: string, offeredBy: string[], serviceName: string) {
  const member = await scoped(ctx)
    .selectFrom('memberships')
    .select('id')
    .where('id', '=', clinicianId)
    .where('active', '=', true)
    .where(sql<boolean>`roles @> ARRAY['clinician']`)
    .executeTakeFirst();
  if (!member) throw AppError.field('query.clinicianId', 'no active clinician with this id in this practice');
  if (offeredBy.length > 0 && !offeredBy.includes(clinicianId)) {
    throw AppError.field('query.clinicianId', `this clinician does not offer ${serviceName}`);
  }
}

/** The clinicians who may take the slot, with their working hours in this mode: one statement. */
async function loadClinicians(ctx: PracticeCtx, q: Query, offeredBy: string[]): Promise<Map<string, SlotClinician>> {
  const hours = await scoped(ctx)
    .selectFrom('working_hours')
    .innerJoin('memberships', 'memberships.id', 'working_hours.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'working_hours.membership_id',
      'users.name',
      'working_hours.weekday',
      'working_hours.start_time',
      'working_hours.end_time',
      'working_hours.location_id',
    ])
    .where('memberships.active', '=', true)
    .where(sql<boolean>`memberships.roles @> ARRAY['clinician']`)
    .where(sql<boolean>`${q.mode} = ANY(working_hours.modes)`)
    .where(onlyThese('working_hours.membership_id', q.clinicianId, offeredBy))
    .execute();
  const clinicians = new Map<string, SlotClinician>();
  for (const h of hours) {
    let c = clinicians.get(h.membership_id);
    if (!c) clinicians.set(h.membership_id, (c = { id: h.membership_id, name: h.name, blocks: [], blocked: [] }));
    c.blocks.push({
      weekday: h.weekday,
      startMinute: minuteOfDay(h.start_time),
      endMinute: minuteOfDay(h.end_time),
      locationId: h.location_id,
    });
  }
  return clinicians;
}

/** The clinician asked for, else those who offer the service (when not everyone does), else anyone. */
function onlyThese(column: string, clinicianId: string | undefined, offeredBy: string[]): Range {
  if (clinicianId !== undefined) return sql<boolean>`${sql.ref(column)} = ${clinicianId}`;
  if (offeredBy.length > 0) return sql<boolean>`${sql.ref(column)} = ANY(${offeredBy}::uuid[])`;
  return sql<boolean>`true`;
}

/**
 * Sessions that hold a clinician's time in a window, widened by buffers (see `busyWithBuffer`):
 * one statement. Each session's service is looked up only when some service has a buffer;
 * the lookup is a per-row index probe (LATERAL … LIMIT 1), as a join would read every
 * appointment of the practice.
 */
async function loadSessions(ctx: PracticeCtx, q: Query, offeredBy: string[], window: Interval, buffers: ServiceBuffers) {
  const rows = await scoped(ctx)
    .selectFrom('appointment_clinicians')
    .select(['appointment_clinicians.membership_id', epochMs('lower(appointment_clinicians.during)').as('s')])
    .select(epochMs('upper(appointment_clinicians.during)').as('e'))
    .$if(buffers.byService.size > 0, (b) =>
      b
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('appointments')
              .select('appointments.service_id')
              .whereRef('appointments.id', '=', 'appointment_clinicians.appointment_id')
              .limit(1)
              .as('a'),
          (join) => join.onTrue(),
        )
        .select('a.service_id'),
    )
    .where('appointment_clinicians.occupies', '=', true)
    .where(sql<boolean>`appointment_clinicians.during && ${overlapping(window)}`)
    .where(onlyThese('appointment_clinicians.membership_id', q.clinicianId, offeredBy))
    .execute();
  const byClinician = new Map<string, Interval[]>();
  for (const r of rows) {
    const own = 'service_id' in r ? (buffers.byService.get(r.service_id as string) ?? 0) : 0;
    const list = byClinician.get(r.membership_id) ?? [];
    list.push(busyWithBuffer({ start: r.s, end: r.e }, own, buffers.searched));
    byClinician.set(r.membership_id, list);
  }
  return byClinician;
}

interface ServiceBuffers {
  /** The buffer of the service searched for. */
  searched: number;
  /** The services of the practice that keep a buffer, by id. */
  byService: Map<string, number>;
}

/** Leave per member and the practice's closures over the whole range: one statement. */
async function loadAbsences(ctx: PracticeCtx, range: Interval) {
  const rows = await scoped(ctx)
    .selectFrom('absences')
    .select(['membership_id', epochMs('starts_at').as('s'), epochMs('ends_at').as('e')])
    .where(sql<boolean>`tstzrange(starts_at, ends_at, '[)') && ${overlapping(range)}`)
    .execute();
  const closures: Interval[] = [];
  const leave = new Map<string, Interval[]>();
  for (const a of rows) {
    const interval = { start: a.s, end: a.e };
    if (a.membership_id === null) closures.push(interval);
    else leave.set(a.membership_id, [...(leave.get(a.membership_id) ?? []), interval]);
  }
  return { closures, leave };
}

const overlapping = (w: Interval) => sql<boolean>`tstzrange(${new Date(w.start)}, ${new Date(w.end)}, '[)')`;

function checkRange(q: Query) {
  const from = plainDate(q.from, 'query.from');
  const to = plainDate(q.to, 'query.to');
  if (Temporal.PlainDate.compare(to, from) < 0) throw AppError.field('query.to', 'must be on or after from');
  if (from.until(to).days >= MAX_SLOT_RANGE_DAYS) {
    throw AppError.field('query.to', `search at most ${MAX_SLOT_RANGE_DAYS} days at a time`);
  }
  if (q.locationId !== undefined && q.mode !== 'in_person') {
    throw AppError.field('query.locationId', `a ${q.mode} session has no location`);
  }
  return { from, to };
}

/**
 * The dates to compute first: enough for the limit if a quarter of each clinician's day is
 * free, so "anyone, soon" reads one day of sessions instead of the month. The rest of the
 * range, when needed, is read in one more pass.
 */
function firstPassDays(limit: number, clinicians: number, days: number): number {
  return Math.min(days, Math.max(1, Math.ceil(limit / (clinicians * 8))));
}

/**
 * Free slots for a service and mode over up to 31 local days, for one clinician or any who
 * offers the service: working hours (per date, in the practice's zone, so clock changes are
 * right), leave and closures, sessions that hold time plus buffers, and for in person a free
 * room. Starts lie on a 15-minute grid and are not in the past. Any role may search.
 *
 * Slots name clinicians, rooms and times but no client, so a search writes no access-log
 * entry. Whatever the number of clinicians, it reads in a bounded number of statements
 * (service, hours, absences, then sessions — and for in person rooms and their bookings — in
 * at most two passes over the range; +1 to check a clinician asked for) and computes in
 * memory. Throws `validation_failed` naming the query field.
 */
export async function findFreeSlots(ctx: PracticeCtx, q: Query, now = Date.now()): Promise<z.infer<typeof FreeSlotList>> {
  const { from, to } = checkRange(q);
  const service = await loadService(ctx, q);
  const offeredBy = service.offered_by;
  const buffers = { searched: service.buffer_minutes, byService: new Map(service.buffers) };
  if (q.clinicianId !== undefined) await checkClinician(ctx, q.clinicianId, offeredBy, service.name);
  const clinicians = await loadClinicians(ctx, q, offeredBy);
  if (clinicians.size === 0) return { items: [] };

  const zone = service.time_zone;
  const startOf = (d: Temporal.PlainDate) => d.toZonedDateTime({ timeZone: zone }).epochMilliseconds;
  const absences = await loadAbsences(ctx, { start: startOf(from), end: startOf(to.add({ days: 1 })) });
  const rooms = q.mode === 'in_person' ? await loadRooms(ctx, q.locationId ?? null) : null;
  const days = from.until(to).days + 1;
  const firstDays = firstPassDays(q.limit, clinicians.size, days);
  const passes = [
    { from, to: from.add({ days: firstDays - 1 }) },
    ...(firstDays < days ? [{ from: from.add({ days: firstDays }), to }] : []),
  ];

  const slots: Slot[] = [];
  for (const pass of passes) {
    // Sessions up to a maximal buffer outside the pass can still block its edges.
    const pad = MAX_BUFFER_MINUTES * 60_000;
    const window = { start: startOf(pass.from) - pad, end: startOf(pass.to.add({ days: 1 })) + pad };
    const sessions = await loadSessions(ctx, q, offeredBy, window, buffers);
    for (const c of clinicians.values()) {
      c.blocked = mergeIntervals([...(sessions.get(c.id) ?? []), ...(absences.leave.get(c.id) ?? []), ...absences.closures]);
    }
    if (rooms) await loadRoomBookings(ctx, rooms, q.locationId ?? null, window);
    const search = { zone, ...pass, durationMinutes: service.default_duration_minutes, now, limit: q.limit - slots.length };
    slots.push(...findSlots({ ...search, rooms, locationId: q.locationId ?? null }, [...clinicians.values()]));
    if (slots.length >= q.limit) break;
  }
  return { items: presentSlots(slots, zone) };
}

/** Presents slots; many share a start (one per clinician), so each instant is formatted once. */
function presentSlots(slots: Slot[], zone: string) {
  const iso = new Map<number, string>();
  const format = (ms: number) => {
    let text = iso.get(ms);
    if (text === undefined) iso.set(ms, (text = new Date(ms).toISOString()));
    return text;
  };
  return slots.map((s) => ({
    start: format(s.start),
    end: format(s.end),
    localStart: localStart(s, zone),
    timeZone: zone,
    clinicianId: s.clinician.id,
    clinicianName: s.clinician.name,
    locationId: s.room?.locationId ?? null,
    roomId: s.room?.id ?? null,
    roomName: s.room?.name ?? null,
  }));
}

/** Active rooms at active locations, by location and then room name: one statement. */
async function loadRooms(ctx: PracticeCtx, locationId: string | null): Promise<SlotRoom[]> {
  const rooms = await scoped(ctx)
    .selectFrom('rooms')
    .innerJoin('locations', 'locations.id', 'rooms.location_id')
    .select(['rooms.id', 'rooms.name', 'rooms.location_id'])
    .where('rooms.active', '=', true)
    .where('locations.active', '=', true)
    .$if(locationId !== null, (b) => b.where('rooms.location_id', '=', locationId ?? ''))
    .orderBy('locations.name')
    .orderBy('rooms.name')
    .orderBy('rooms.id')
    .execute();
  return rooms.map((r) => ({ id: r.id, name: r.name, locationId: r.location_id, busy: [] }));
}

/** Sets each room's occupied times within a window: one statement. */
async function loadRoomBookings(ctx: PracticeCtx, rooms: SlotRoom[], locationId: string | null, window: Interval): Promise<void> {
  if (rooms.length === 0) return;
  const taken = await scoped(ctx)
    .selectFrom('appointments')
    .select(['room_id', epochMs('starts_at').as('s'), epochMs('ends_at').as('e')])
    .where('occupies', '=', true)
    .where('room_id', 'is not', null)
    .where(sql<boolean>`during && ${overlapping(window)}`)
    .$if(locationId !== null, (b) => b.where('location_id', '=', locationId ?? ''))
    .execute();
  const busy = new Map<string, Interval[]>();
  for (const t of taken) {
    if (!t.room_id) continue;
    const list = busy.get(t.room_id) ?? [];
    list.push({ start: t.s, end: t.e });
    busy.set(t.room_id, list);
  }
  for (const r of rooms) r.busy = mergeIntervals(busy.get(r.id) ?? []);
}
