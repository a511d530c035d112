/**
 * Setup shared by the scheduling benches: the real app on 127.0.0.1 over a Kysely handle that
 * counts its statements, a practice with many clinicians, and signed-in back-office sessions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { createDb, type Db } from '../apps/server/src/db/database.ts';
import { createPractice } from '../apps/server/src/modules/practices/profile.ts';
import type { AppDeps } from '../apps/server/src/platform/context.ts';
import { SecretBox } from '../apps/server/src/platform/crypto.ts';
import { addMember, createUser, signIn } from '../apps/server/src/test/factories.ts';
import type { TestApp } from '../apps/server/src/test/harness.ts';

export interface BenchApp {
  url: string;
  deps: AppDeps;
  /** Statements sent by the app since the last `reset()` (BEGIN and COMMIT included), with time spent per kind. */
  statements: { count: number; texts: string[]; record: boolean; byKind: Map<string, { n: number; ms: number }>; reset(): void };
  close(): Promise<void>;
}

/** The real application on a free port of 127.0.0.1, on its own pool, counting every statement it sends. */
export async function startBenchApp(url: string, poolSize = 20): Promise<BenchApp> {
  const statements = {
    count: 0,
    texts: [] as string[],
    record: false,
    byKind: new Map<string, { n: number; ms: number }>(),
    reset() {
      this.count = 0;
      this.texts = [];
      this.byKind = new Map();
    },
  };
  const db: Db = createDb(url, poolSize, {
    applicationName: 'calmdesk-bench',
    log: (event) => {
      statements.count++;
      const text = event.query.sql.replace(/\s+/g, ' ');
      if (statements.record) statements.texts.push(text.slice(0, 90));
      // The kind: the verb and the first table, e.g. `insert into "audit_log"`.
      const kind = (
        /^(select .*? from "?\w+"?|insert into "?\w+"?|update "?\w+"?|delete from "?\w+"?|\w+)/i.exec(text)?.[0] ?? text.slice(0, 30)
      )
        .replace(/^select .*? from/i, 'select from')
        .replace(/"/g, '');
      const k = statements.byKind.get(kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += event.queryDurationMillis;
      statements.byKind.set(kind, k);
    },
  });
  const config = testConfig({ DATABASE_URL: url, LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000' });
  const deps: AppDeps = { config, db, secrets: new SecretBox(crypto.randomBytes(32)) };
  const app: FastifyInstance = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  config.publicUrl = appUrl;
  return {
    url: appUrl,
    deps,
    statements,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

export interface BenchPractice {
  id: string;
  /** Membership ids of the clinicians, in name order. */
  clinicianIds: string[];
  locationIds: string[];
  /** Rooms per location, in name order. */
  rooms: { id: string; locationId: string }[];
  /** 45 minutes, in person or video, no buffer. */
  serviceId: string;
  clientIds: string[];
}

/**
 * A practice with `clinicians` clinicians working Monday to Friday 09:00–17:00 in person (at
 * one of the locations, in turn) and by video; rooms at each location; `clients` clients.
 * Inserted with multi-row SQL.
 */
export async function benchPractice(
  deps: AppDeps,
  opts: { clinicians: number; locations: number; roomsPerLocation: number; clients: number },
): Promise<BenchPractice> {
  const { db } = deps;
  const tag = crypto.randomUUID().slice(0, 6);
  const owner = await db
    .insertInto('users')
    .values({ email: `owner-${tag}@bench.example`, name: 'Bench owner', password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const practice = await db
    .transaction()
    .execute((tx) =>
      createPractice(tx, owner.id, { name: `Bench ${tag}`, timeZone: 'Europe/Amsterdam', locale: 'nl' }, { requestId: null, ip: null }),
    );
  const id = practice.id;
  const locations = await db
    .insertInto('locations')
    .values(Array.from({ length: opts.locations }, (_, i) => ({ practice_id: id, name: `Locatie ${i + 1}` })))
    .returning('id')
    .execute();
  const rooms = await db
    .insertInto('rooms')
    .values(
      locations.flatMap((l) =>
        Array.from({ length: opts.roomsPerLocation }, (_, i) => ({
          practice_id: id,
          location_id: l.id,
          name: `Kamer ${String(i + 1).padStart(3, '0')}`,
        })),
      ),
    )
    .returning(['id', 'location_id'])
    .execute();
  const service = await db
    .insertInto('services')
    .values({ practice_id: id, name: 'Behandeling 45', default_duration_minutes: 45, allowed_modes: ['in_person', 'video'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: opts.clinicians }, (_, i) => ({
        email: `clinician-${tag}-${i}@bench.example`,
        name: `Clinician ${String(i).padStart(3, '0')} ${tag}`,
        password_hash: 'x',
      })),
    )
    .returning('id')
    .execute();
  const memberships = await db
    .insertInto('memberships')
    .values(users.map((u) => ({ practice_id: id, user_id: u.id, roles: ['clinician'] })))
    .returning('id')
    .execute();
  const clinicianIds = memberships.map((m) => m.id);
  await db
    .insertInto('working_hours')
    .values(
      clinicianIds.flatMap((membershipId, i) =>
        [1, 2, 3, 4, 5].map((weekday) => ({
          practice_id: id,
          membership_id: membershipId,
          weekday,
          start_time: '09:00',
          end_time: '17:00',
          location_id: locations[i % locations.length]?.id ?? null,
          modes: ['in_person', 'video'],
        })),
      ),
    )
    .execute();
  const clientIds: string[] = [];
  for (let i = 0; i < opts.clients; i += 1000) {
    const batch = await db
      .insertInto('clients')
      .values(
        Array.from({ length: Math.min(1000, opts.clients - i) }, (_, j) => ({
          practice_id: id,
          client_number: `C-${String(i + j + 1).padStart(6, '0')}`,
          first_name: 'Bench',
          last_name: `Client ${i + j}`,
          date_of_birth: '1980-01-01',
        })),
      )
      .returning('id')
      .execute();
    clientIds.push(...batch.map((c) => c.id));
  }
  return {
    id,
    clinicianIds,
    locationIds: locations.map((l) => l.id),
    rooms: rooms.map((r) => ({ id: r.id, locationId: r.location_id })),
    serviceId: service.id,
    clientIds,
  };
}

/** `n` back-office members of the practice, each signed in (password + TOTP): their session cookies. */
export async function backOfficeSessions(app: BenchApp, practiceId: string, n: number): Promise<string[]> {
  const t = { url: app.url, deps: app.deps } as TestApp;
  const cookies: string[] = [];
  for (let i = 0; i < n; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, n - i) }, async () => {
        const user = await createUser(app.deps, { name: 'Bench office' });
        await addMember(app.deps, practiceId, user, ['back_office']);
        const client = await signIn(t, user);
        if (!client.cookie) throw new Error('no session cookie after sign-in');
        return client.cookie;
      }),
    );
    cookies.push(...batch);
  }
  return cookies;
}

/** A small deterministic random generator (mulberry32), so each run books the same calendar. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Measures the CPU time (ms) the PostgreSQL server behind `url` uses (postmaster and its
 * children, from /proc), so a bench can report database CPU per operation whatever else the
 * machine runs. `start()` returns a function giving the CPU used since; a backend that exits
 * in between is not counted. Null when the server is not local or not readable.
 */
export async function postgresCpu(url: string): Promise<{ start(): () => number } | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const dir = (await c.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory;
    const postmaster = Number(fs.readFileSync(path.join(dir ?? '', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(postmaster)) return null;
    const snapshot = () => {
      const ticks = new Map<number, number>();
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue; // the process ended meanwhile
        }
        // Fields after the command (which may hold spaces): state ppid … utime(14) stime(15).
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const pid = Number(entry);
        if (pid === postmaster || Number(fields[1]) === postmaster) ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      }
      return ticks;
    };
    return {
      start() {
        const before = snapshot();
        return () => {
          let ticks = 0;
          for (const [pid, t] of snapshot()) ticks += t - (before.get(pid) ?? 0);
          return ticks * 10; // USER_HZ is 100 on Linux
        };
      },
    };
  } catch {
    return null;
  } finally {
    await c.end();
  }
}

/** CPU time (ms) of this process, where the benches run the app. */
export function processCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
