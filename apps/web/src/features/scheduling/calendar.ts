import { startOfDay } from '../../app/time.ts';

/**
 * Calendar arithmetic for the agenda. Days are `YYYY-MM-DD` strings (a wall-clock date in
 * the practice's zone); times of day are minutes since midnight. The grid places every
 * appointment by its instant as seen in the practice's zone, so a browser in another zone
 * still shows the practice's clock.
 */

export const SNAP_MINUTES = 15;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** Minutes since that day's midnight. */
  minutes: number;
}

/** The wall-clock date and time of an instant in `timeZone`. */
export function localTime(iso: string | Date, timeZone: string): LocalTime {
  const parts = partsFormatter(timeZone).formatToParts(typeof iso === 'string' ? new Date(iso) : iso);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const hour = Number(get('hour')) % 24;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, minutes: hour * 60 + Number(get('minute')) };
}

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** 1 = Monday … 7 = Sunday. */
export function weekday(date: string): number {
  return ((toUtc(date).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week `date` falls in (weeks start on Monday in the Netherlands and the UK). */
export function mondayOf(date: string): string {
  return addDays(date, 1 - weekday(date));
}

export function isDate(text: string | null): text is string {
  return text !== null && /^\d{4}-\d{2}-\d{2}$/.test(text) && fromUtc(toUtc(text)) === text;
}

/** Today in `timeZone`. */
export function today(timeZone: string): string {
  return localTime(new Date(), timeZone).date;
}

/** The instant `date` begins (00:00) in `timeZone`, as an ISO string. */
export function dayStart(date: string, timeZone: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return startOfDay({ year: year ?? 1970, month: month ?? 1, day: day ?? 1 }, timeZone);
}

/** 615 → `10:15`. */
export function clock(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** `10:15` or `9:15` → 615; null when it is not a time of day. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** The API's local date-time: `2026-03-30T10:15`. */
export function localDateTime(date: string, minutes: number): string {
  return `${date}T${clock(minutes)}`;
}

export function snap(minutes: number, step = SNAP_MINUTES): number {
  return Math.round(minutes / step) * step;
}

/** `2026-03-30` as the locale writes a date: 30-03-2026 (nl) or 30/03/2026 (en). */
export function formatDate(date: string, locale: 'en' | 'nl'): string {
  const [y, m, d] = date.split('-');
  return [d, m, y].join(locale === 'nl' ? '-' : '/');
}

const INTL = { en: 'en-GB', nl: 'nl-NL' } as const;

/** `Mon 30/03` (en) or `ma 30-03` (nl). */
export function formatDayShort(date: string, locale: 'en' | 'nl'): string {
  const wd = new Intl.DateTimeFormat(INTL[locale], { weekday: 'short', timeZone: 'UTC' }).format(toUtc(date)).replace(/\.$/, '');
  const [, m, d] = date.split('-');
  return `${wd} ${d}${locale === 'nl' ? '-' : '/'}${m}`;
}

/** `Monday 30-03-2026` (the weekday in the locale's words). */
export function formatDayLong(date: string, locale: 'en' | 'nl'): string {
  const wd = new Intl.DateTimeFormat(INTL[locale], { weekday: 'long', timeZone: 'UTC' }).format(toUtc(date));
  return `${wd} ${formatDate(date, locale)}`;
}

/** Places overlapping blocks side by side: each gets a lane and the number of lanes of its group. */
export function layoutLanes<T extends { start: number; end: number }>(items: T[]): (T & { lane: number; lanes: number })[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: (T & { lane: number; lanes: number })[] = [];
  let group: (T & { lane: number; lanes: number })[] = [];
  let groupEnd = -Infinity;
  const close = () => {
    const lanes = Math.max(1, ...group.map((g) => g.lane + 1));
    for (const g of group) g.lanes = lanes;
    out.push(...group);
    group = [];
  };
  for (const item of sorted) {
    if (item.start >= groupEnd) {
      close();
      groupEnd = -Infinity;
    }
    const laneEnds: number[] = [];
    for (const g of group) laneEnds[g.lane] = Math.max(laneEnds[g.lane] ?? -Infinity, g.end);
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane < 0) lane = laneEnds.length;
    group.push({ ...item, lane, lanes: 1 });
    groupEnd = Math.max(groupEnd, item.end);
  }
  close();
  return out;
}

/** A stretch of one local day, in minutes since its midnight (end exclusive; 1440 = the next midnight). */
export interface DaySegment {
  start: number;
  end: number;
}

/**
 * The part of an instant interval that falls on local `date` in `timeZone`, in that day's
 * minutes (as the grid places appointments), or null when it does not touch the date.
 */
export function segmentOnDate(interval: { start: string; end: string }, date: string, timeZone: string): DaySegment | null {
  const lo = Date.parse(dayStart(date, timeZone));
  const hi = Date.parse(dayStart(addDays(date, 1), timeZone));
  const s = Math.max(lo, Date.parse(interval.start));
  const e = Math.min(hi, Date.parse(interval.end));
  if (e <= s) return null;
  const start = localTime(new Date(s), timeZone).minutes;
  const end = e >= hi ? 24 * 60 : localTime(new Date(e), timeZone).minutes;
  return end > start ? { start, end } : null;
}

/** Sorts and joins overlapping or touching segments. */
export function mergeSegments(list: DaySegment[]): DaySegment[] {
  const out: DaySegment[] = [];
  for (const x of [...list].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else out.push({ ...x });
  }
  return out;
}

/** The parts of a local day that none of the (working) segments cover. */
export function outsideOf(working: DaySegment[]): DaySegment[] {
  const out: DaySegment[] = [];
  let cursor = 0;
  for (const w of mergeSegments(working)) {
    if (w.start > cursor) out.push({ start: cursor, end: w.start });
    cursor = Math.max(cursor, w.end);
  }
  if (cursor < 24 * 60) out.push({ start: cursor, end: 24 * 60 });
  return out;
}
