import crypto from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import type { Db } from '../apps/server/src/db/database.ts';
import { fmt, percentile, timedRequest } from './lib.ts';
import {
  backOfficeSessions,
  benchPractice,
  postgresCpu,
  processCpu,
  seededRandom,
  startBenchApp,
  type BenchPractice,
} from './scheduling-world.ts';

const CLINICIANS = 200;
const WEEKS = 4;
const TARGET_BOOKED = 0.55;
const SEARCHES = 200;
const TARGET_P95_MS = 50;
const ZONE = 'Europe/Amsterdam';
const DAY_MINUTES = 8 * 60;
/** Chance to book a 45-minute session at a free quarter: 45p / (45p + 15(1 − p)) = 0.55. */
const BOOK_CHANCE = (TARGET_BOOKED * 15) / (45 - TARGET_BOOKED * 30);

/** The Monday two weeks ahead: the whole calendar lies in the future, as searches only offer future starts. */
export function firstMonday(): Temporal.PlainDate {
  const today = Temporal.Now.plainDateISO(ZONE);
  return today.add({ days: 14 - (today.dayOfWeek - 1) });
}

/**
 * Books ~55% of every clinician's working time over the weeks (45-minute sessions on the
 * quarter-hour grid, 30% in person in a free room of their location), with multi-row INSERTs.
 * Returns the share of working time booked.
 */
export async function bookCalendar(db: Db, p: BenchPractice, monday: Temporal.PlainDate): Promise<{ share: number; sessions: number }> {
  const random = seededRandom(7);
  const appointments: Record<string, unknown>[] = [];
  const participants: { appointment_id: string; practice_id: string; membership_id: string }[] = [];
  let bookedMinutes = 0;
  for (let d = 0; d < WEEKS * 7; d++) {
    const date = monday.add({ days: d });
    if (date.dayOfWeek > 5) continue;
    const nine = date.toZonedDateTime({ timeZone: ZONE, plainTime: '09:00' }).epochMilliseconds;
    const roomBusy = new Map<string, [number, number][]>();
    p.clinicianIds.forEach((membershipId, i) => {
      const locationId = p.locationIds[i % p.locationIds.length] ?? null;
      const rooms = p.rooms.filter((r) => r.locationId === locationId);
      for (let minute = 0; minute + 45 <= DAY_MINUTES;) {
        if (random() >= BOOK_CHANCE) {
          minute += 15;
          continue;
        }
        const start = nine + minute * 60_000;
        const end = start + 45 * 60_000;
        const room = random() < 0.3 ? rooms.find((r) => !(roomBusy.get(r.id) ?? []).some(([s, e]) => s < end && start < e)) : undefined;
        if (room) roomBusy.set(room.id, [...(roomBusy.get(room.id) ?? []), [start, end]]);
        const id = crypto.randomUUID();
        appointments.push({
          id,
          practice_id: p.id,
          service_id: p.serviceId,
          mode: room ? 'in_person' : 'video',
          location_id: room ? locationId : null,
          room_id: room?.id ?? null,
          starts_at: new Date(start),
          ends_at: new Date(end),
          local_start: `${date.toString()} ${String(9 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`,
          time_zone: ZONE,
        });
        participants.push({ appointment_id: id, practice_id: p.id, membership_id: membershipId });
        bookedMinutes += 45;
        minute += 45;
      }
    });
  }
  for (let i = 0; i < appointments.length; i += 1000) {
    await db
      .insertInto('appointments')
      .values(appointments.slice(i, i + 1000) as never)
      .execute();
    await db
      .insertInto('appointment_clinicians')
      .values(participants.slice(i, i + 1000))
      .execute();
  }
  await sql`ANALYZE appointments, appointment_clinicians`.execute(db);
  return { share: bookedMinutes / (p.clinicianIds.length * WEEKS * 5 * DAY_MINUTES), sessions: appointments.length };
}

interface Timing {
  p50: number;
  p95: number;
  statements: number;
  slots: number;
  /** CPU per search in this process (the app) and in PostgreSQL, ms. */
  cpu: { server: number; db: number };
}

/** `n` sequential searches over HTTP (one at a time, keep-alive), after a warm-up. */
async function measure(
  app: Awaited<ReturnType<typeof startBenchApp>>,
  cookie: string,
  n: number,
  path: (i: number) => string,
  dbCpu: { start(): () => number } | null,
): Promise<Timing> {
  for (let i = 0; i < 20; i++) await timedRequest(app.url + path(i), 'GET', undefined, { cookie });
  const ms: number[] = [];
  let slots = 0;
  app.statements.reset();
  const [cpu0, dbUsed] = [processCpu(), dbCpu?.start()];
  for (let i = 0; i < n; i++) {
    const res = await timedRequest(app.url + path(i), 'GET', undefined, { cookie });
    if (res.status !== 200) throw new Error(`free-slot search answered ${res.status}`);
    ms.push(res.ms);
  }
  const cpu = { server: (processCpu() - cpu0) / n, db: (dbUsed?.() ?? NaN) / n };
  const statements = app.statements.count / n;
  const last = await fetch(app.url + path(0), { headers: { cookie } });
  slots = ((await last.json()) as { items: unknown[] }).items.length;
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), statements, slots, cpu };
}

/**
 * The floor: one SQL statement computing the free gaps of the same clinicians over the same
 * week with multiranges (working hours per date minus occupied sessions), without buffers,
 * absences, rooms, grid or HTTP.
 */
async function gapFloor(url: string, p: BenchPractice, from: Temporal.PlainDate, to: Temporal.PlainDate, n: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const text = `
WITH days AS (SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') d),
work AS (
  SELECT wh.membership_id,
         range_agg(tstzrange((day + wh.start_time) AT TIME ZONE $4, (day + wh.end_time) AT TIME ZONE $4, '[)')) AS hours
  FROM working_hours wh JOIN days ON extract(isodow FROM day) = wh.weekday
  WHERE wh.practice_id = $1 AND 'video' = ANY (wh.modes)
  GROUP BY wh.membership_id),
busy AS (
  SELECT ac.membership_id, range_agg(ac.during) AS taken
  FROM appointment_clinicians ac
  WHERE ac.practice_id = $1 AND ac.occupies
    AND ac.during && tstzrange(($2::date)::timestamp AT TIME ZONE $4, ($3::date + 1)::timestamp AT TIME ZONE $4, '[)')
  GROUP BY ac.membership_id)
SELECT w.membership_id, unnest(w.hours - coalesce(b.taken, '{}'::tstzmultirange)) AS gap
FROM work w LEFT JOIN busy b USING (membership_id)`;
  const params = [p.id, from.toString(), to.toString(), ZONE];
  let gaps = 0;
  for (let i = 0; i < 10; i++) await client.query(text, params);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    gaps = (await client.query(text, params)).rowCount ?? 0;
    ms.push(performance.now() - started);
  }
  await client.end();
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), gaps };
}

/**
 * Free-slot search over HTTP in a practice of 200 clinicians with 4 weeks ~55% booked: "any
 * clinician" over one week and one clinician over four weeks, p50/p95 and SQL statements per
 * search, next to a floor measured in the same run (one raw multirange gap query).
 */
export async function benchFreeSlots(db: Db, url: string, adminUrl: string): Promise<string[]> {
  const started = performance.now();
  const app = await startBenchApp(url);
  try {
    const p = await benchPractice(app.deps, { clinicians: CLINICIANS, locations: 2, roomsPerLocation: 40, clients: 10 });
    const monday = firstMonday();
    const booked = await bookCalendar(db, p, monday);
    const [cookie = ''] = await backOfficeSessions(app, p.id, 1);
    const setupS = (performance.now() - started) / 1000;

    const base = `/api/v1/practices/${p.id}/free-slots?serviceId=${p.serviceId}`;
    const week = { from: monday.add({ days: 7 }), to: monday.add({ days: 13 }) };
    const weekQuery = `from=${week.from.toString()}&to=${week.to.toString()}`;
    const fourWeeks = `from=${monday.toString()}&to=${monday.add({ days: WEEKS * 7 - 1 }).toString()}`;
    const dbCpu = await postgresCpu(adminUrl);
    const any = await measure(app, cookie, SEARCHES, () => `${base}&mode=video&${weekQuery}`, dbCpu);
    const anyAll = await measure(app, cookie, SEARCHES / 2, () => `${base}&mode=video&${weekQuery}&limit=500`, dbCpu);
    const anyInPerson = await measure(app, cookie, SEARCHES / 2, () => `${base}&mode=in_person&${weekQuery}`, dbCpu);
    const one = await measure(
      app,
      cookie,
      SEARCHES,
      (i) => `${base}&mode=video&${fourWeeks}&clinicianId=${p.clinicianIds[i % p.clinicianIds.length] ?? ''}&limit=500`,
      dbCpu,
    );
    app.statements.record = true;
    app.statements.reset();
    await timedRequest(`${app.url}${base}&mode=in_person&${weekQuery}&clinicianId=${p.clinicianIds[0] ?? ''}`, 'GET', undefined, {
      cookie,
    });
    const trace = app.statements.texts;
    app.statements.record = false;
    const floor = await gapFloor(url, p, week.from, week.to, 50);
    const bare = await measure(app, cookie, SEARCHES, () => `/api/v1/practices/${p.id}/services`, dbCpu);

    const verdict = (t: Timing) => (t.p95 <= TARGET_P95_MS ? 'PASS' : 'FAIL');
    const line = (label: string, t: Timing) =>
      `  ${label}: p50 ${fmt(t.p50)} ms, p95 ${fmt(t.p95)} ms, ${fmt(t.statements)} SQL statements per request, ${t.slots} slots, CPU ${fmt(t.cpu.server)} ms app + ${fmt(t.cpu.db)} ms PostgreSQL — target p95 ≤ ${TARGET_P95_MS} ms: ${verdict(t)}`;
    return [
      `free-slot search, ${CLINICIANS} clinicians × ${WEEKS} weeks, ${booked.sessions} sessions booked (${(booked.share * 100).toFixed(0)}% of working time), HTTP, sequential (setup ${setupS.toFixed(1)} s):`,
      line('any clinician, video, 1 week, limit 50', any),
      line('any clinician, video, 1 week, limit 500', anyAll),
      line('any clinician, in person (rooms), 1 week, limit 50', anyInPerson),
      line('one clinician, video, 4 weeks, limit 500', one),
      `  statements of one in-person search for one clinician (session, gate, transaction, search): ${trace.length} — ${trace.map((s) => s.split(' ').slice(0, 4).join(' ')).join(' | ')}`,
      `  floor: one raw SQL multirange gap query, ${CLINICIANS} clinicians × 1 week (${floor.gaps} gaps; no buffers, absences, rooms, grid or HTTP): p50 ${fmt(floor.p50)} ms, p95 ${fmt(floor.p95)} ms`,
      `  floor: an authenticated GET /services (session, membership gate, transaction, one query): p50 ${fmt(bare.p50)} ms, p95 ${fmt(bare.p95)} ms, CPU ${fmt(bare.cpu.server)} ms app + ${fmt(bare.cpu.db)} ms PostgreSQL`,
      `  ratio: any-clinician p95 / gap-query p95 = ${fmt(any.p95 / floor.p95)}×; any-clinician p50 − GET /services p50 = ${fmt(any.p50 - bare.p50)} ms`,
    ];
  } finally {
    await app.close();
  }
}
