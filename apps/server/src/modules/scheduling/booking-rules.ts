import { sql, type Selectable } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { Mode } from '@calmdesk/shared';
import type { WorkingHoursTable } from '../../db/schema.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError, pgErrorCode } from '../../platform/errors.ts';
import type { Sentence } from '@calmdesk/shared';
import { scoped } from '../../platform/tenancy.ts';
import { displayName } from '../clients/presenter.ts';
import { initials } from './queries.ts';

/** What every booking and move checks before it writes: the parts exist in this practice and fit. */

export interface ClinicianInfo {
  membershipId: string;
  name: string;
  initials: string;
}

export async function loadClinicians(ctx: PracticeCtx, ids: string[], path = 'body.clinicianIds'): Promise<ClinicianInfo[]> {
  const rows = await scoped(ctx)
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id', 'users.name'])
    .where('memberships.id', 'in', distinct(ids, path, 'a clinician is listed twice'))
    .where('memberships.active', '=', true)
    .where(sql<boolean>`memberships.roles @> ARRAY['clinician']`)
    .execute();
  return checkClinicians(ids, rows, path);
}

function distinct(ids: string[], path: string, message: string): string[] {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw AppError.field(path, message);
  return unique;
}

/** The listed clinicians, in the order given, from the active clinicians of the practice found among them. */
export function checkClinicians(ids: string[], rows: { id: string; name: string }[], path = 'body.clinicianIds'): ClinicianInfo[] {
  distinct(ids, path, 'a clinician is listed twice');
  for (const [i, id] of ids.entries()) {
    if (!rows.some((r) => r.id === id)) throw AppError.field(`${path}[${i}]`, 'no active clinician with this id in this practice');
  }
  return ids.map((id) => {
    const name = rows.find((r) => r.id === id)?.name ?? '';
    return { membershipId: id, name, initials: initials(name) };
  });
}

export async function loadClients(ctx: PracticeCtx, ids: string[], path = 'body.clientIds') {
  const rows = await scoped(ctx)
    .selectFrom('clients')
    .select(['id', 'client_number', 'first_name', 'name_prefix', 'last_name', 'pseudonym', 'destroyed_at', 'merged_into'])
    .where('id', 'in', distinct(ids, path, 'a client is listed twice'))
    .execute();
  return checkClients(ids, rows, path);
}

export interface ClientRow {
  id: string;
  client_number: string;
  first_name: string;
  name_prefix: string | null;
  last_name: string;
  pseudonym: string | null;
  destroyed_at: Date | null;
  merged_into: string | null;
}

/** The listed clients, in the order given: each must be a live record of the practice. */
export function checkClients(ids: string[], rows: ClientRow[], path = 'body.clientIds') {
  distinct(ids, path, 'a client is listed twice');
  return ids.map((id, i) => {
    const c = rows.find((r) => r.id === id);
    if (!c) throw AppError.field(`${path}[${i}]`, 'no client with this id in this practice');
    if (c.merged_into) throw AppError.field(`${path}[${i}]`, 'this record was merged into another; book the surviving record');
    if (c.destroyed_at) throw AppError.field(`${path}[${i}]`, "this client's record was destroyed");
    return { id: c.id, clientNumber: c.client_number, displayName: displayName(c) };
  });
}

export async function loadService(ctx: PracticeCtx, serviceId: string, mode: Mode) {
  const service = await scoped(ctx)
    .selectFrom('services')
    .select(['id', 'name', 'default_duration_minutes', 'allowed_modes', 'buffer_minutes', 'active'])
    .where('id', '=', serviceId)
    .executeTakeFirst();
  return checkService(service, mode);
}

export interface ServiceRow {
  id: string;
  name: string;
  default_duration_minutes: number;
  allowed_modes: string[];
  buffer_minutes: number;
  active: boolean;
}

/** The service must exist in the practice, still be offered, and allow the mode. */
export function checkService(service: ServiceRow | null | undefined, mode: Mode): ServiceRow {
  if (!service) throw AppError.field('body.serviceId', 'no service with this id in this practice');
  if (!service.active) throw AppError.field('body.serviceId', 'this service is no longer offered');
  if (!service.allowed_modes.includes(mode)) {
    throw AppError.field('body.mode', `${service.name} is not offered as ${mode}; allowed: ${service.allowed_modes.join(', ')}`);
  }
  return service;
}

/** In person needs a location and one of its rooms; other modes take neither. */
export async function checkPlace(ctx: PracticeCtx, mode: Mode, locationId: string | null | undefined, roomId: string | null | undefined) {
  if (!placeNeeded(mode, locationId, roomId)) return { location: null, room: null };
  const location = await scoped(ctx)
    .selectFrom('locations')
    .select(['id', 'name', 'active'])
    .where('id', '=', locationId ?? '')
    .executeTakeFirst();
  const room = await scoped(ctx)
    .selectFrom('rooms')
    .select(['id', 'name', 'location_id', 'active'])
    .where('id', '=', roomId ?? '')
    .executeTakeFirst();
  return checkPlaceRows(location, room);
}

/** The rules that need no lookup: true when the mode takes a place and both ids are given. */
export function placeNeeded(mode: Mode, locationId: string | null | undefined, roomId: string | null | undefined): boolean {
  if (mode !== 'in_person') {
    if (locationId) throw AppError.field('body.locationId', `a ${mode} appointment has no location`);
    if (roomId) throw AppError.field('body.roomId', `a ${mode} appointment has no room`);
    return false;
  }
  if (!locationId) throw AppError.field('body.locationId', 'an in-person appointment needs a location');
  if (!roomId) throw AppError.field('body.roomId', 'an in-person appointment needs a room');
  return true;
}

/** The location and room found for the given ids: both active, the room at that location. */
export function checkPlaceRows<L extends { id: string; name: string; active: boolean }, R extends { location_id: string; active: boolean }>(
  location: L | null | undefined,
  room: R | null | undefined,
): { location: L; room: R } {
  if (!location?.active) throw AppError.field('body.locationId', 'no active location with this id in this practice');
  if (!room?.active) throw AppError.field('body.roomId', 'no active room with this id in this practice');
  if (room.location_id !== location.id) throw AppError.field('body.roomId', `this room is not at ${location.name}`);
  return { location, room };
}

/** `minutes` or `end`, else the service's default; never zero, never a day or more. */
export function durationFrom(startMs: number, endMs: number | undefined, minutes: number | undefined, fallback: number): number {
  if (endMs !== undefined && minutes !== undefined) throw AppError.field('body.end', 'give an end or a duration, not both');
  const value = endMs !== undefined ? (endMs - startMs) / 60_000 : (minutes ?? fallback);
  const path = endMs !== undefined ? 'body.end' : 'body.durationMinutes';
  if (value <= 0) throw AppError.field(path, endMs !== undefined ? 'the end must be after the start' : 'the duration must be positive');
  if (value < 5) throw AppError.field(path, 'an appointment lasts at least 5 minutes');
  if (value >= 24 * 60) throw AppError.field(path, 'an appointment lasts less than 24 hours');
  if (!Number.isInteger(value)) throw AppError.field(path, 'the duration must be whole minutes');
  return value;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
}

const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Each clinician must work at each occurrence (weekday and hours in the practice's zone, the
 * mode and the location allowed) and not be on leave or the practice closed. Returns the
 * problems; the caller refuses them unless the booking carries an explicit, logged override.
 */
export async function workingHoursProblems(
  ctx: PracticeCtx,
  clinicians: ClinicianInfo[],
  occurrences: Occurrence[],
  mode: Mode,
  locationId: string | null,
  practiceZone: string,
): Promise<HoursProblem[]> {
  if (occurrences.length === 0) return [];
  const ids = clinicians.map((c) => c.membershipId);
  const first = occurrences.reduce((a, o) => Math.min(a, o.startsAt.getTime()), Infinity);
  const last = occurrences.reduce((a, o) => Math.max(a, o.endsAt.getTime()), -Infinity);
  const [hours, absences] = await Promise.all([
    scoped(ctx)
      .selectFrom('working_hours')
      .select(['membership_id', 'weekday', 'start_time', 'end_time', 'location_id', 'modes'])
      .where('membership_id', 'in', ids)
      .execute(),
    scoped(ctx)
      .selectFrom('absences')
      .select(['membership_id', 'kind', 'starts_at', 'ends_at'])
      .where((eb) => eb.or([eb('membership_id', 'in', ids), eb('membership_id', 'is', null)]))
      .where('starts_at', '<', new Date(last))
      .where('ends_at', '>', new Date(first))
      .execute(),
  ]);
  return hoursProblems({ hours, absences }, clinicians, occurrences, mode, locationId, practiceZone);
}

export type WorkingHourRow = Omit<Selectable<WorkingHoursTable>, 'id' | 'practice_id'>;

export interface AbsenceRow {
  membership_id: string | null;
  kind: string;
  starts_at: Date;
  ends_at: Date;
}

/** A reason a session is outside working hours: the English sentence and its translatable form. */
export interface HoursProblem {
  text: string;
  sentence: Sentence;
}

/** {@link workingHoursProblems} over rows already read (at least those around the occurrences). */
export function hoursProblems(
  rows: { hours: WorkingHourRow[]; absences: AbsenceRow[] },
  clinicians: ClinicianInfo[],
  occurrences: Occurrence[],
  mode: Mode,
  locationId: string | null,
  practiceZone: string,
): HoursProblem[] {
  const { hours, absences } = rows;
  const problems = new Map<string, Sentence>();
  for (const o of occurrences) {
    const start = Temporal.Instant.fromEpochMilliseconds(o.startsAt.getTime()).toZonedDateTimeISO(practiceZone);
    const end = Temporal.Instant.fromEpochMilliseconds(o.endsAt.getTime()).toZonedDateTimeISO(practiceZone);
    const { date, time } = wallClock(start);
    const when = `${date} ${time}`;
    const from = start.toPlainTime().toString({ smallestUnit: 'second' });
    const sameDay = start.toPlainDate().equals(end.toPlainDate());
    const to = end.toPlainTime().toString({ smallestUnit: 'second' });
    for (const c of clinicians) {
      const fits = hours.some(
        (h) =>
          h.membership_id === c.membershipId &&
          h.weekday === start.dayOfWeek &&
          sameDay &&
          h.start_time <= from &&
          h.end_time >= to &&
          h.modes.includes(mode) &&
          (h.location_id === null || locationId === null || h.location_id === locationId),
      );
      if (!fits) {
        problems.set(`${c.name} does not work ${WEEKDAY_NAMES[start.dayOfWeek] ?? ''} ${when} (${mode})`, {
          key: 'hours.notWorking',
          params: { who: c.name, weekday: start.dayOfWeek, date, time, mode },
        });
      }
      const away = absences.find(
        (a) =>
          (a.membership_id === c.membershipId || a.membership_id === null) &&
          a.starts_at.getTime() < o.endsAt.getTime() &&
          a.ends_at.getTime() > o.startsAt.getTime(),
      );
      if (away?.kind === 'closure') problems.set(`the practice is closed on ${when}`, { key: 'hours.closed', params: { date, time } });
      else if (away) {
        problems.set(`${c.name} is away (${away.kind}) on ${when}`, {
          key: 'hours.away',
          params: { who: c.name, kind: away.kind, date, time },
        });
      }
    }
  }
  return [...problems].map(([text, sentence]) => ({ text, sentence }));
}

/** The 409 for sessions outside working hours, unless the request gives a reason. */
export function outsideHoursError(problems: HoursProblem[], verb: 'Book' | 'Move'): AppError {
  const texts = problems.map((p) => p.text);
  const more = texts.length > 3 ? ` (+${texts.length - 3} more)` : '';
  return new AppError(
    'outside_working_hours',
    `outside working hours: ${texts.slice(0, 3).join('; ')}${more}. ${verb} anyway only with outsideHours.reason`,
    [{ path: 'body.start', message: texts.join('; '), sentences: problems.map((p) => p.sentence) }],
  );
}

/** `2030-01-07` and `10:00` of a zoned time. */
function wallClock(at: Temporal.ZonedDateTime): { date: string; time: string } {
  return { date: at.toPlainDate().toString(), time: at.toPlainTime().toString({ smallestUnit: 'minute' }) };
}

/**
 * Takes a transaction lock per clinician, client and room a write is about to place in time,
 * all in one global order. The exclusion constraints decide what may overlap; these locks only
 * make two writers that share someone queue instead of both inserting and then waiting on each
 * other's uncommitted rows (which PostgreSQL can only end by aborting one as a deadlock).
 */
export async function lockParticipants(ctx: PracticeCtx, ids: (string | null | undefined)[]): Promise<void> {
  const keys = [...new Set(ids.filter((id): id is string => typeof id === 'string').map((id) => `slot:${id}`))].sort();
  if (keys.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n`.execute(ctx.tx);
}

export type TakenKind = 'room' | 'clinician' | 'client';

const TAKEN: Record<TakenKind, { path: string; what: string }> = {
  room: { path: 'body.roomId', what: 'the room is already booked then' },
  clinician: { path: 'body.clinicianIds', what: 'the clinician already has an appointment then' },
  client: { path: 'body.clientIds', what: 'the client already has an appointment then' },
};

const CONSTRAINT_KIND: Record<string, TakenKind> = {
  appointment_clinicians_no_overlap: 'clinician',
  appointment_clients_no_overlap: 'client',
  appointments_room_no_overlap: 'room',
};

/**
 * The 409 for a taken time, naming who or what is taken and, for a series, which session —
 * the same whether the check before the write found it or the database refused the insert.
 */
export function takenError(
  kind: TakenKind | undefined,
  whoId: string | undefined,
  index: number,
  occurrences: Occurrence[],
  names: { clinicians: ClinicianInfo[]; clients: { id: string; displayName: string }[] },
  zone: string,
): AppError {
  const field = kind ? TAKEN[kind] : { path: 'body.start', what: 'this time is already taken' };
  const person = names.clinicians.find((c) => c.membershipId === whoId)?.name ?? names.clients.find((c) => c.id === whoId)?.displayName;
  let message = person ? field.what.replace(/^the (clinician|client)/, person) : field.what;
  const params: Record<string, string | number> = person ? { who: person } : {};
  const o = occurrences[index];
  if (o && occurrences.length > 1) {
    const { date, time } = wallClock(Temporal.Instant.fromEpochMilliseconds(o.startsAt.getTime()).toZonedDateTimeISO(zone));
    message = `session ${index + 1} (${date} ${time}): ${message}`;
    Object.assign(params, { session: index + 1, date, time });
  }
  const key = kind === 'room' ? 'taken.room' : kind && person ? `taken.${kind}` : 'taken.time';
  return AppError.field(field.path, message, 'conflict', [{ key, params }]);
}

/**
 * Turns the database's refusal of an overlap (exclusion constraint, 23P01) into the 409 of
 * {@link takenError}.
 */
export function overlapConflict(
  err: unknown,
  occurrences: Occurrence[],
  names: { clinicians: ClinicianInfo[]; clients: { id: string; displayName: string }[] },
  zone: string,
): AppError | undefined {
  if (pgErrorCode(err) !== '23P01') return undefined;
  const { constraint, detail } = err as { constraint?: string; detail?: string };
  const key = /\(([0-9a-f-]{36}), \["([^"]+)"/.exec(detail ?? '');
  const startedAt = key?.[2] ? new Date(key[2].replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')).getTime() : NaN;
  const index = occurrences.findIndex((o) => o.startsAt.getTime() === startedAt);
  return takenError(CONSTRAINT_KIND[constraint ?? ''], key?.[1], index, occurrences, names, zone);
}
