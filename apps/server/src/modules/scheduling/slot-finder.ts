import { Temporal } from 'temporal-polyfill';

/**
 * The free-slot computation, pure and in memory: the caller loads working hours, absences,
 * busy times and rooms for the whole range in bulk, and this turns them into bookable
 * starts. Times are epoch milliseconds; working hours are wall-clock minutes in the
 * practice's zone, turned into instants per date, so a clock change moves them correctly.
 */

export const GRID_MINUTES = 15;
const MINUTE = 60_000;

/** A half-open interval [start, end) in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

export interface HoursBlock {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes after local midnight, from `09:00` = 540. */
  startMinute: number;
  endMinute: number;
  /** Where the clinician works then; null = at any location. */
  locationId: string | null;
}

export interface SlotClinician {
  id: string;
  name: string;
  blocks: HoursBlock[];
  /** Times the clinician cannot start a session in, already widened by buffers (see `busyWithBuffer`). */
  blocked: Interval[];
}

export interface SlotRoom {
  id: string;
  name: string;
  locationId: string;
  /** Occupied times of the room, sorted and merged. */
  busy: Interval[];
}

export interface SlotSearch {
  zone: string;
  /** First and last local date, inclusive. */
  from: Temporal.PlainDate;
  to: Temporal.PlainDate;
  durationMinutes: number;
  /** Starts before this instant are not offered. */
  now: number;
  limit: number;
  /** In person: the rooms to choose from, in order of preference; null for other modes. */
  rooms: SlotRoom[] | null;
  /** In person: a location asked for, or null for any. */
  locationId: string | null;
}

export interface Slot {
  start: number;
  end: number;
  clinician: SlotClinician;
  room: SlotRoom | null;
  /** The zone's UTC offset (ms) at the start when the whole block has one offset, else null (a clock change inside it). */
  offset: number | null;
}

/** `2026-03-30T10:00`: the wall-clock start of a slot in the search's zone. */
export function localStart(slot: Slot, zone: string): string {
  if (slot.offset !== null) return new Date(slot.start + slot.offset).toISOString().slice(0, 16);
  return Temporal.Instant.fromEpochMilliseconds(slot.start).toZonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit: 'minute' });
}

/**
 * An existing session blocks its own time plus, on both sides, the larger of its service's
 * buffer and the buffer of the service searched for: between any two sessions of a clinician
 * there is at least the buffer that either of them asks for.
 */
export function busyWithBuffer(session: Interval, sessionBufferMinutes: number, searchedBufferMinutes: number): Interval {
  const pad = Math.max(sessionBufferMinutes, searchedBufferMinutes) * MINUTE;
  return { start: session.start - pad, end: session.end + pad };
}

/** Sorts and merges intervals (touching ones join). */
export function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** Index of the first interval in a sorted, merged list that ends after `t`. */
function firstEndingAfter(list: Interval[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.end ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when [start, end) meets nothing in the sorted, merged list. */
export function isFree(list: Interval[], start: number, end: number): boolean {
  const next = list[firstEndingAfter(list, start)];
  return next === undefined || next.start >= end;
}

/** The parts of [start, end) that the sorted, merged `blocked` list leaves free. */
function freeParts(start: number, end: number, blocked: Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = start;
  for (let i = firstEndingAfter(blocked, start); i < blocked.length && cursor < end; i++) {
    const b = blocked[i];
    if (!b || b.start >= end) break;
    if (b.start > cursor) out.push({ start: cursor, end: b.start });
    cursor = Math.max(cursor, b.end);
  }
  if (cursor < end) out.push({ start: cursor, end });
  return out;
}

/** Instants of local times on one date, cached: most clinicians share their hours. */
class DayClock {
  private readonly cache = new Map<number, { at: number; offset: number }>();
  constructor(
    private readonly date: Temporal.PlainDate,
    private readonly zone: string,
  ) {}

  /** The instant of `minute` after local midnight (a time skipped by a clock change moves forward), and its UTC offset. */
  at(minute: number): { at: number; offset: number } {
    let hit = this.cache.get(minute);
    if (!hit) {
      const z = this.date.toZonedDateTime({
        timeZone: this.zone,
        plainTime: Temporal.PlainTime.from({ hour: Math.floor(minute / 60), minute: minute % 60 }),
      });
      hit = { at: z.epochMilliseconds, offset: z.offsetNanoseconds / 1e6 };
      this.cache.set(minute, hit);
    }
    return hit;
  }
}

/** The first instant at or after `t` whose local time (at `offset`) is on the 15-minute grid. */
function ceilToGrid(t: number, offset: number): number {
  const step = GRID_MINUTES * MINUTE;
  return Math.ceil((t + offset) / step) * step - offset;
}

function firstFreeRoom(rooms: SlotRoom[], locationIds: string[] | null, start: number, end: number): SlotRoom | undefined {
  return rooms.find((r) => (locationIds === null || locationIds.includes(r.locationId)) && isFree(r.busy, start, end));
}

/** The free slots of one clinician on one date. */
function slotsOnDate(search: SlotSearch, c: SlotClinician, date: Temporal.PlainDate, clock: DayClock, out: Slot[]): void {
  const duration = search.durationMinutes * MINUTE;
  for (const block of c.blocks) {
    if (block.weekday !== date.dayOfWeek) continue;
    let locations: string[] | null = null;
    if (search.rooms !== null) {
      if (block.locationId !== null && search.locationId !== null && block.locationId !== search.locationId) continue;
      locations = block.locationId !== null ? [block.locationId] : search.locationId !== null ? [search.locationId] : null;
    }
    const { at: blockStart, offset } = clock.at(block.startMinute);
    const { at: blockEnd, offset: endOffset } = clock.at(block.endMinute);
    const oneOffset = offset === endOffset ? offset : null;
    if (blockEnd - duration < search.now) continue;
    for (const part of freeParts(Math.max(blockStart, search.now), blockEnd, c.blocked)) {
      for (let t = ceilToGrid(part.start, offset); t + duration <= part.end; t += GRID_MINUTES * MINUTE) {
        const room = search.rooms === null ? null : firstFreeRoom(search.rooms, locations, t, t + duration);
        if (room === undefined) continue;
        out.push({ start: t, end: t + duration, clinician: c, room, offset: oneOffset });
      }
    }
  }
}

/**
 * Free slots in start order (then by clinician name), at most `limit`. Works date by date
 * and stops after the date on which the limit is reached, so a search for "anyone, soon"
 * does not compute the rest of the month.
 */
export function findSlots(search: SlotSearch, clinicians: SlotClinician[]): Slot[] {
  // Clinicians are ranked by name once, so the per-day sort compares numbers only.
  const byName = [...clinicians].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const rank = new Map(byName.map((c, i) => [c, i]));
  const bySlot = (a: Slot, b: Slot) => a.start - b.start || (rank.get(a.clinician) ?? 0) - (rank.get(b.clinician) ?? 0);
  const result: Slot[] = [];
  for (let date = search.from; Temporal.PlainDate.compare(date, search.to) <= 0; date = date.add({ days: 1 })) {
    const clock = new DayClock(date, search.zone);
    const day: Slot[] = [];
    for (const c of byName) slotsOnDate(search, c, date, clock, day);
    day.sort(bySlot);
    result.push(...day);
    if (result.length >= search.limit) break;
  }
  return result.slice(0, search.limit);
}
