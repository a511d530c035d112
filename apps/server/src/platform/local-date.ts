import { Temporal } from 'temporal-polyfill';

/**
 * Calendar dates of a practice. "Today" is the date on the practice's wall clock (its IANA
 * zone), never the UTC date: in Amsterdam the UTC date is still yesterday until 01:00 or 02:00.
 */

/** The date in `zone` at `at` (default: now), as YYYY-MM-DD. */
export function localDate(zone: string, at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDate().toString();
}

/** A YYYY-MM-DD date plus (or minus) whole calendar days. */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** The instant `years` calendar years after `at` on the wall clock of `zone` (29 February → 28 February). */
export function addYears(at: Date, years: number, zone: string): Date {
  const later = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(zone).add({ years });
  return new Date(later.epochMilliseconds);
}
