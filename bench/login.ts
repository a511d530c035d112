import crypto from 'node:crypto';
import Fastify from 'fastify';
import { hash, verify } from '@node-rs/argon2';
import { buildApp } from '../apps/server/src/app.ts';
import { testConfig } from '../apps/server/src/config.ts';
import { warmPool, type Db } from '../apps/server/src/db/database.ts';
import { SecretBox } from '../apps/server/src/platform/crypto.ts';
import { hashPassword } from '../apps/server/src/modules/identity/passwords.ts';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fmt, percentile, timedRequest, type LoadResult } from './lib.ts';

const RATE = Number(process.env.BENCH_LOGIN_RATE ?? 50);
const SECONDS = 10;
const TARGET_P99_MS = 50;

/**
 * Login (argon2id verify + session row + audit entry) at 50 logins/s, next to two floors
 * measured in the same run: a bare Fastify route under the same load, and argon2id verify alone.
 */
export async function benchLogin(db: Db, url: string): Promise<string[]> {
  const password = 'bench-password-long-enough';
  const passwordHash = await hashPassword(password);
  const users = Array.from({ length: 100 }, () => `bench-${crypto.randomUUID().slice(0, 8)}@bench.example`);
  await db
    .insertInto('users')
    .values(users.map((email) => ({ email, name: 'Bench', password_hash: passwordHash })))
    .execute();

  const config = testConfig({ DATABASE_URL: url, LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000' });
  const app = await buildApp({ config, db, secrets: new SecretBox(crypto.randomBytes(32)) });
  await warmPool(db); // as main.ts does before it listens
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const bare = Fastify();
  bare.post('/login', async () => ({ stage: 'totp_required' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  // Warm-up (JIT, connection pool, argon2 memory).
  for (let i = 0; i < 20; i++) {
    await timedRequest(`${appUrl}/api/v1/auth/login`, 'POST', JSON.stringify({ email: users[i % users.length], password }));
    await timedRequest(`${bareUrl}/login`, 'POST', '{}');
  }

  // Then the same load for a few seconds, not counted: the first second of a cold process
  // (new pool connections, JIT of the login path, argon2 threads) builds a queue that takes
  // ~1.5 s to drain; the target is about logins under sustained load. Its p99 is printed.
  const WARM_SECONDS = 3;
  const warm = await loadFromWorker({
    rate: RATE,
    seconds: WARM_SECONDS,
    url: `${appUrl}/api/v1/auth/login`,
    bodies: users.map((email) => JSON.stringify({ email, password })),
  });

  const floor = await loadFromWorker({
    rate: RATE,
    seconds: SECONDS,
    url: `${bareUrl}/login`,
    bodies: [JSON.stringify({ email: 'x@y.example', password })],
  });
  const login = await loadFromWorker({
    rate: RATE,
    seconds: SECONDS,
    url: `${appUrl}/api/v1/auth/login`,
    bodies: users.map((email) => JSON.stringify({ email, password })),
  });

  const raw = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const argon: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await verify(raw, password);
    argon.push(performance.now() - t);
  }
  argon.sort((a, b) => a - b);

  await app.close();
  await bare.close();
  const verdict = login.p99 <= TARGET_P99_MS && login.errors === 0 ? 'PASS' : 'FAIL';
  return [
    `login @ ${RATE}/s × ${SECONDS}s: p50 ${fmt(login.p50)} ms, p99 ${fmt(login.p99)} ms, max ${fmt(login.max)} ms, errors ${login.errors}/${login.count} — target p99 ≤ ${TARGET_P99_MS} ms: ${verdict}`,
    `  floor: bare Fastify route @ ${RATE}/s: p50 ${fmt(floor.p50)} ms, p99 ${fmt(floor.p99)} ms; argon2id verify alone (19 MiB, t=2): p50 ${fmt(percentile(argon, 50))} ms, p99 ${fmt(percentile(argon, 99))} ms`,
    `  ratio: login p99 / (bare p99 + argon2 p99) = ${fmt(login.p99 / (floor.p99 + (percentile(argon, 99) || 0)))}×`,
    `  warm-up under the same load (first ${WARM_SECONDS} s of a cold server, not counted): p50 ${fmt(warm.p50)} ms, p99 ${fmt(warm.p99)} ms`,
  ];
}

/** Runs the open-loop load in a separate process (bench/load-worker.ts). */
function loadFromWorker(job: { rate: number; seconds: number; url: string; bodies: string[] }): Promise<LoadResult> {
  const worker = path.join(import.meta.dirname, 'load-worker.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', worker, JSON.stringify(job)], { maxBuffer: 10_000_000 }, (err, stdout) => {
      if (err) reject(new Error(`load worker failed: ${err.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}
