import 'temporal-polyfill/global'; // rrule-temporal expects the global
import { Temporal } from 'temporal-polyfill';
import { RRuleTemporal } from 'rrule-temporal';
import { MAX_YEAR } from '@calmdesk/shared';
import { AppError } from '../../platform/errors.ts';

/**
 * Wall-clock time in a named zone. Appointments are planned as local time + IANA zone and
 * stored with their instant, so a weekly 10:00 stays 10:00 across daylight-saving changes.
 *
 * The two rules for the hours that daylight saving bends:
 * - a local time that does not exist (the hour skipped in spring, 02:00–03:00 in
 *   Europe/Amsterdam on the last Sunday of March) is refused with a message naming it;
 * - a local time that exists twice (the hour repeated in autumn) means the earlier instant,
 *   still in summer time, unless the caller adds the offset of the one they mean.
 */
export interface LocalInstant {
  /** The instant. */
  at: Temporal.ZonedDateTime;
  /** `2026-03-30T10:00:00`, as stored in `local_start`. */
  local: string;
}

const LOCAL = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)([+-]\d{2}:\d{2})?$/;

function dutchDate(d: Temporal.PlainDateTime): string {
  return `${String(d.day).padStart(2, '0')}-${String(d.month).padStart(2, '0')}-${d.year} ${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
}

/** The instant of a wall-clock time in `zone`, by the rules above; `path` names the field in errors. */
export function resolveLocal(input: string, zone: string, path: string): LocalInstant {
  const m = LOCAL.exec(input);
  if (!m?.[1]) throw AppError.field(path, 'write a local date and time as YYYY-MM-DDTHH:MM');
  let plain: Temporal.PlainDateTime;
  try {
    plain = Temporal.PlainDateTime.from(m[1], { overflow: 'reject' });
  } catch {
    throw AppError.field(path, `${input} is not a real date and time`);
  }
  return resolvePlain(plain, zone, path, m[2]);
}

export function resolvePlain(plain: Temporal.PlainDateTime, zone: string, path: string, offset?: string): LocalInstant {
  const earlier = plain.toZonedDateTime(zone, { disambiguation: 'earlier' });
  const later = plain.toZonedDateTime(zone, { disambiguation: 'later' });
  const exists = earlier.toPlainDateTime().equals(plain);
  if (!exists) {
    throw AppError.field(
      path,
      `${dutchDate(plain)} does not exist in ${zone}: the clocks go forward then (daylight saving); choose another time`,
    );
  }
  let at = earlier;
  if (offset !== undefined) {
    const match = [earlier, later].find((z) => z.offset === offset);
    if (!match) throw AppError.field(path, `the offset ${offset} does not occur at ${dutchDate(plain)} in ${zone}`);
    at = match;
  }
  return { at, local: plain.toString({ smallestUnit: 'second' }) };
}

/** `2026-03-30 10:00:00` (PostgreSQL) or `2026-03-30T10:00:00` → a PlainDateTime. */
export function plainFromDb(local: string): Temporal.PlainDateTime {
  return Temporal.PlainDateTime.from(local.replace(' ', 'T'));
}

/** `2026-03-30T10:00` for the API. */
export function localForApi(local: string): string {
  return plainFromDb(local).toString({ smallestUnit: 'minute' });
}

export interface RecurrenceInput {
  frequency: 'weekly';
  interval: number;
  count?: number | undefined;
  until?: string | undefined;
}

/** The RFC 5545 rule of a weekly series, as stored and as published in iCalendar. */
export function rruleText(r: RecurrenceInput, zone: string): string {
  const parts = ['FREQ=WEEKLY', `INTERVAL=${r.interval}`];
  if (r.count !== undefined) parts.push(`COUNT=${r.count}`);
  if (r.until !== undefined) {
    // UNTIL is inclusive; the last local day ends at 23:59:59 in the series' zone.
    const end = Temporal.PlainDate.from(r.until).toZonedDateTime({ timeZone: zone, plainTime: '23:59:59' }).toInstant();
    parts.push(`UNTIL=${end.toString({ smallestUnit: 'second' }).replace(/[-:]/g, '')}`);
  }
  return parts.join(';');
}

const MAX_OCCURRENCES = 104;

/**
 * The occurrences of a series as wall-clock times, each resolved to its instant by the rules
 * above. A series that hits a non-existent local time is refused, naming that occurrence.
 */
export function expandSeries(first: Temporal.PlainDateTime, zone: string, r: RecurrenceInput): LocalInstant[] {
  // RFC 5545 drops an occurrence whose local time does not exist; we refuse it instead, so the
  // rule is expanded on wall-clock time (UTC has no gaps) and each result resolved in the zone.
  const wallClock = { ...r, until: undefined };
  const until = r.until === undefined ? '' : `;UNTIL=${r.until.replace(/-/g, '')}T235959Z`;
  const rule = new RRuleTemporal({ rruleString: `DTSTART;TZID=UTC:${compact(first)}\nRRULE:${rruleText(wallClock, 'UTC')}${until}` });
  const occurrences = rule.all((_, i) => i < MAX_OCCURRENCES + 1);
  if (occurrences.length > MAX_OCCURRENCES) {
    throw AppError.field('body.recurrence.until', `a series has at most ${MAX_OCCURRENCES} sessions`);
  }
  if (occurrences.length < 2) throw AppError.field('body.recurrence.until', 'the series has fewer than 2 sessions up to this date');
  // The first date and `until` are within the years a request may name; a count may run past them.
  const beyond = occurrences.findIndex((z) => z.year > MAX_YEAR);
  if (beyond >= 0) {
    throw AppError.field(
      'body.recurrence.count',
      `session ${beyond + 1} of the series falls after ${MAX_YEAR}; the year must be at most ${MAX_YEAR}`,
    );
  }
  return occurrences.map((z, i) => {
    try {
      return resolvePlain(z.toPlainDateTime(), zone, 'body.start');
    } catch (err) {
      if (err instanceof AppError && i > 0) {
        throw AppError.field('body.start', `session ${i + 1} of the series: ${err.fields?.[0]?.message ?? err.message}`);
      }
      throw err;
    }
  });
}

function compact(p: Temporal.PlainDateTime): string {
  return p.toString({ smallestUnit: 'second' }).replace(/[-:]/g, '');
}
