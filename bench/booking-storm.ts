import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { fmt, percentile, timedRequest } from './lib.ts';
import {
  backOfficeSessions,
  benchPractice,
  postgresCpu,
  processCpu,
  startBenchApp,
  type BenchApp,
  type BenchPractice,
} from './scheduling-world.ts';

const CONCURRENCY = 64;
const SECONDS = Number(process.env.BENCH_STORM_SECONDS ?? 10);
const ZONE = 'Europe/Amsterdam';
/** DESIGN.md §5: attempts per second on an external PostgreSQL / on the embedded one. */
const TARGET = { external: 1500, embedded: 500 };

interface Attempt {
  clientId: string;
  clinicianId: string;
  /** Local wall time, `2027-01-11T09:15`. */
  local: string;
  start: number;
}

interface Scenario {
  label: string;
  practice: BenchPractice;
  attempts: Attempt[];
}

/** A Monday far enough ahead that nothing is in the past; the same week for every scenario. */
function benchMonday(): Temporal.PlainDate {
  const today = Temporal.Now.plainDateISO(ZONE);
  return today.add({ days: 21 - (today.dayOfWeek - 1) });
}

/**
 * Attempts on `clinicians` × `days` × the quarter hours from 09:00 for `quarters` (45-minute
 * video sessions, so neighbouring starts of one clinician overlap too), each for a random client.
 */
function attempts(p: BenchPractice, clinicians: number, days: number, quarters: number, n: number): Attempt[] {
  const monday = benchMonday();
  const out: Attempt[] = [];
  for (let i = 0; i < n; i++) {
    const day = monday.add({ days: crypto.randomInt(days) });
    const minute = 9 * 60 + 15 * crypto.randomInt(quarters);
    const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    out.push({
      clientId: p.clientIds[crypto.randomInt(p.clientIds.length)] ?? '',
      clinicianId: p.clinicianIds[crypto.randomInt(clinicians)] ?? '',
      local: `${day.toString()}T${time}`,
      start: day.toZonedDateTime({ timeZone: ZONE, plainTime: time }).epochMilliseconds,
    });
  }
  return out;
}

interface StormResult {
  attempts: number;
  seconds: number;
  byStatus: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
}

/** Runs the HTTP storm from a separate process (bench/storm-worker.ts). */
function storm(app: BenchApp, s: Scenario, cookies: string[], seconds: number): Promise<StormResult> {
  const bodies = s.attempts.map((a) =>
    JSON.stringify({
      clientIds: [a.clientId],
      clinicianIds: [a.clinicianId],
      serviceId: s.practice.serviceId,
      mode: 'video',
      start: a.local,
    }),
  );
  const job = { url: `${app.url}/api/v1/practices/${s.practice.id}/appointments`, seconds, concurrency: CONCURRENCY, cookies, bodies };
  const worker = path.join(import.meta.dirname, 'storm-worker.ts');
  return new Promise((resolve, reject) => {
    // The job (thousands of bodies) goes through stdin: it is too large for an argument.
    const child = execFile(process.execPath, ['--import', 'tsx', worker], { maxBuffer: 10_000_000 }, (err, stdout) => {
      if (err) reject(new Error(`storm worker failed: ${err.message}`));
      else resolve(JSON.parse(stdout) as StormResult);
    });
    child.stdin?.end(JSON.stringify(job));
  });
}

/**
 * The floor: the same attempts as raw INSERTs (appointment, clinician, client rows in one
 * implicit transaction, one round trip) from 64 concurrent connections, refused by the same
 * exclusion constraints; no HTTP, session, checks, events, reminders or access log.
 */
async function rawStorm(url: string, s: Scenario, seconds: number, audited = false) {
  const clients = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const p = s.practice;
  const byCode: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        const a = s.attempts[crypto.randomInt(s.attempts.length)];
        if (!a) continue;
        const id = crypto.randomUUID();
        const starts = new Date(a.start).toISOString();
        const ends = new Date(a.start + 45 * 60_000).toISOString();
        // Only generated uuids and timestamps are inlined: a simple query is one round trip and one transaction.
        const text = `
INSERT INTO appointments (id, practice_id, service_id, mode, starts_at, ends_at, local_start, time_zone)
  VALUES ('${id}', '${p.id}', '${p.serviceId}', 'video', '${starts}', '${ends}', '${a.local.replace('T', ' ')}', '${ZONE}');
INSERT INTO appointment_clinicians (appointment_id, practice_id, membership_id) VALUES ('${id}', '${p.id}', '${a.clinicianId}');
INSERT INTO appointment_clients (appointment_id, practice_id, client_id) VALUES ('${id}', '${p.id}', '${a.clientId}');${
          audited
            ? `
INSERT INTO audit_log (action, outcome, practice_id, entity_type, entity_id, client_id, data_category, legal_basis)
  VALUES ('appointment.create', 'ok', '${p.id}', 'appointment', '${id}', '${a.clientId}', 'client', 'treatment_agreement');`
            : ''
        }`;
        try {
          await c.query(text);
          byCode.ok = (byCode.ok ?? 0) + 1;
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'error';
          byCode[code] = (byCode[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  const total = Object.values(byCode).reduce((x, y) => x + y, 0);
  return { total, rate: total / elapsed, byCode };
}

/** Pairs of occupying rows of one clinician, client or room whose times overlap: must be 0. */
async function overlaps(url: string, practiceId: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const res = await c.query<{ n: string }>(
    `SELECT
      (SELECT count(*) FROM appointment_clinicians a JOIN appointment_clinicians b
         ON a.membership_id = b.membership_id AND a.appointment_id < b.appointment_id AND a.during && b.during
       WHERE a.practice_id = $1 AND a.occupies AND b.occupies)
    + (SELECT count(*) FROM appointment_clients a JOIN appointment_clients b
         ON a.client_id = b.client_id AND a.appointment_id < b.appointment_id AND a.during && b.during
       WHERE a.practice_id = $1 AND a.occupies AND b.occupies)
    + (SELECT count(*) FROM appointments a JOIN appointments b
         ON a.room_id = b.room_id AND a.id < b.id AND a.during && b.during
       WHERE a.practice_id = $1 AND a.occupies AND b.occupies) AS n`,
    [practiceId],
  );
  await c.end();
  return Number(res.rows[0]?.n ?? -1);
}

/** The statements of one booking that succeeds and of one that is refused, for the report. */
async function traceOne(app: BenchApp, s: Scenario, cookie: string) {
  const a = s.attempts[0];
  if (!a) throw new Error('no attempt to trace');
  const url = `${app.url}/api/v1/practices/${s.practice.id}/appointments`;
  const body = JSON.stringify({
    clientIds: [a.clientId],
    clinicianIds: [a.clinicianId],
    serviceId: s.practice.serviceId,
    mode: 'video',
    start: a.local,
  });
  const send = async () => {
    app.statements.reset();
    const res = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
    return { status: res.status, statements: [...app.statements.texts] };
  };
  app.statements.record = true;
  const first = await send();
  const second = await send();
  app.statements.record = false;
  return { created: first, refused: second };
}

const describeStatements = (list: string[]) => list.map((s) => s.split(' ').slice(0, 3).join(' ').replace(/"/g, '')).join(' | ');

/**
 * 64 concurrent HTTP clients booking hot slots (POST /appointments) for a bounded time: attempts
 * per second, answers by status and an overlap check (must be 0), next to a floor measured in
 * the same run: the same attempts as raw INSERTs from 64 connections (and, for the second
 * storm, the same INSERTs plus one access-log entry each). A second storm spreads
 * the attempts over many free slots, so most succeed (the write path, access log included).
 */
export async function benchBookingStorm(url: string, embedded: boolean, adminUrl: string): Promise<string[]> {
  const app = await startBenchApp(url);
  try {
    const world = () => benchPractice(app.deps, { clinicians: 200, locations: 1, roomsPerLocation: 1, clients: 5000 });
    const hot = await world();
    const floorHot = await world();
    const spread = await world();
    const floorSpread = await world();
    const floorAudit = await world();
    const cookies = await backOfficeSessions(app, hot.id, CONCURRENCY);
    const spreadCookies = await backOfficeSessions(app, spread.id, CONCURRENCY);
    const traceCookie = cookies[0] ?? '';
    // Hot: 8 clinicians × 16 quarter hours of one morning. Spread: 200 clinicians × 5 days × 29 quarters.
    const hotAttempts = (p: BenchPractice) => attempts(p, 8, 1, 16, 5000);
    const spreadAttempts = (p: BenchPractice) => attempts(p, 200, 5, 29, 20000);

    const scenarios = [
      {
        s: { label: 'hot slots (8 clinicians × 16 starts)', practice: hot, attempts: hotAttempts(hot) },
        cookies,
        floor: floorHot,
        make: hotAttempts,
      },
      {
        s: { label: 'spread (200 clinicians × 5 days, mostly free)', practice: spread, attempts: spreadAttempts(spread) },
        cookies: spreadCookies,
        floor: floorSpread,
        make: spreadAttempts,
      },
    ];
    const target = embedded ? TARGET.embedded : TARGET.external;
    const dbCpu = await postgresCpu(adminUrl);
    const lines = [`booking storm, ${CONCURRENCY} concurrent HTTP clients × ${SECONDS} s each, POST /appointments (video, 45 min):`];
    for (const { s, cookies: sessionCookies, floor, make } of scenarios) {
      app.statements.reset();
      const [cpu0, dbUsed] = [processCpu(), dbCpu?.start()];
      const r = await storm(app, s, sessionCookies, SECONDS);
      const cpu = { server: (processCpu() - cpu0) / r.attempts, db: (dbUsed?.() ?? NaN) / r.attempts };
      const slowest = [...app.statements.byKind]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 6)
        .map(([kind, k]) => `${kind} ${fmt(k.ms / r.attempts)}`)
        .join(', ');
      const perAttempt = app.statements.count / Math.max(1, r.attempts);
      const bad = await overlaps(url, s.practice.id);
      const fivexx = Object.entries(r.byStatus)
        .filter(([k]) => Number(k) >= 500 || k === '0')
        .reduce((n, [, v]) => n + v, 0);
      const rate = r.attempts / r.seconds;
      const raw = await rawStorm(url, { label: s.label, practice: floor, attempts: make(floor) }, SECONDS);
      const rawBad = await overlaps(url, floor.id);
      const audited =
        floor === floorSpread
          ? await rawStorm(url, { label: s.label, practice: floorAudit, attempts: make(floorAudit) }, SECONDS, true)
          : null;
      // The target is the issue's storm: hot-spotted on a few slots. The spread storm sizes the
      // write path (most attempts succeed) and has no target of its own; it must still keep
      // 0 overlaps and 0 5xx.
      const safe = fivexx === 0 && bad === 0;
      const targeted = s === scenarios[0]?.s;
      const verdict = targeted ? (rate >= target && safe ? 'PASS' : 'FAIL') : safe ? 'no target (write path); safe: PASS' : 'FAIL';
      lines.push(
        `  ${s.label}: ${fmt(rate)} attempts/s (${r.attempts} in ${fmt(r.seconds)} s): 201 × ${r.byStatus['201'] ?? 0}, 409 × ${r.byStatus['409'] ?? 0}, 5xx/failed × ${fivexx}, other × ${r.attempts - (r.byStatus['201'] ?? 0) - (r.byStatus['409'] ?? 0) - fivexx}; latency p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms; ${fmt(perAttempt)} SQL statements per attempt; overlaps ${bad} — ${targeted ? `target ≥ ${target}/s, 0 overlaps, 0 5xx: ` : '0 overlaps, 0 5xx; '}${verdict}`,
        `    floor: raw INSERTs from ${CONCURRENCY} connections, same attempts: ${fmt(raw.rate)} attempts/s (ok × ${raw.byCode.ok ?? 0}, refused 23P01 × ${raw.byCode['23P01'] ?? 0}${Object.keys(raw.byCode).some((k) => k !== 'ok' && k !== '23P01') ? `, other ${JSON.stringify(raw.byCode)}` : ''}); overlaps ${rawBad}; ratio HTTP / floor = ${fmt(rate / raw.rate)}`,
        ...(audited
          ? [
              `    floor with the access log: the same raw INSERTs plus one audit_log row each (chained after commit, as the app's): ${fmt(audited.rate)} attempts/s (ok × ${audited.byCode.ok ?? 0}, refused × ${audited.byCode['23P01'] ?? 0})`,
            ]
          : []),
        `    where an attempt waits (ms per attempt, by statement, lock waits included): ${slowest}`,
        `    CPU per attempt: server (node) ${fmt(cpu.server)} ms, PostgreSQL ${fmt(cpu.db)} ms${embedded ? '' : ' (the whole server, other databases included)'} → at most ~${fmt(2000 / (cpu.server + cpu.db))} attempts/s on 2 dedicated cores`,
      );
    }
    // Uncontended: one booking at a time, so each statement's time is its own work, not a wait.
    const solo = floorAudit;
    const soloCookie = (await backOfficeSessions(app, solo.id, 1))[0] ?? '';
    const soloAttempts = attempts(solo, 200, 5, 29, 200);
    app.statements.reset();
    const soloMs: number[] = [];
    let soloCreated = 0;
    for (const a of soloAttempts) {
      const body = JSON.stringify({
        clientIds: [a.clientId],
        clinicianIds: [a.clinicianId],
        serviceId: solo.serviceId,
        mode: 'video',
        start: a.local,
      });
      const res = await timedRequest(`${app.url}/api/v1/practices/${solo.id}/appointments`, 'POST', body, { cookie: soloCookie });
      soloMs.push(res.ms);
      if (res.status === 201) soloCreated++;
    }
    soloMs.sort((x, y) => x - y);
    const soloTop = [...app.statements.byKind]
      .sort((x, y) => y[1].ms - x[1].ms)
      .slice(0, 8)
      .map(([kind, k]) => `${kind} ${fmt(k.ms / soloAttempts.length)}`)
      .join(', ');
    const soloTotal = [...app.statements.byKind.values()].reduce((n, k) => n + k.ms, 0) / soloAttempts.length;
    lines.push(
      `  uncontended, ${soloAttempts.length} bookings one at a time (${soloCreated} created): p50 ${fmt(percentile(soloMs, 50))} ms, p95 ${fmt(percentile(soloMs, 95))} ms; in SQL ${fmt(soloTotal)} ms per booking, most in: ${soloTop}`,
    );
    const trace = await traceOne(
      app,
      {
        label: 'trace',
        practice: spread,
        attempts: attempts(spread, 200, 1, 1, 1).map((a) => ({ ...a, local: a.local.replace(/T.*/, 'T16:15'), start: a.start })),
      },
      spreadCookies[0] ?? traceCookie,
    );
    lines.push(
      `  one booking that succeeds (${trace.created.status}): ${trace.created.statements.length} statements — ${describeStatements(trace.created.statements)}`,
      `  the same booking again, refused (${trace.refused.status}): ${trace.refused.statements.length} statements — ${describeStatements(trace.refused.statements)}`,
    );
    return lines;
  } finally {
    await app.close();
  }
}
