/**
 * The booking-storm load generator, in its own process (as load-worker.ts): `concurrency`
 * closed loops, each with its own session, POST a random body from the list until the time
 * is up. Reads a JSON job from stdin, prints JSON: attempts, seconds, counts by status, latencies.
 */
import { percentile, timedRequest } from './lib.ts';

interface Job {
  url: string;
  seconds: number;
  concurrency: number;
  cookies: string[];
  bodies: string[];
}

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as Job;
const byStatus: Record<string, number> = {};
const ms: number[] = [];
const started = performance.now();
const deadline = started + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, w) => {
    const headers = { cookie: job.cookies[w % job.cookies.length] ?? '' };
    while (performance.now() < deadline) {
      const body = job.bodies[Math.floor(Math.random() * job.bodies.length)];
      const r = await timedRequest(job.url, 'POST', body, headers).catch(() => ({ status: 0, ms: NaN }));
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      if (Number.isFinite(r.ms)) ms.push(r.ms);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
ms.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    attempts: Object.values(byStatus).reduce((a, b) => a + b, 0),
    seconds,
    byStatus,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
  }),
);
