import http from 'node:http';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export interface LoadResult {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  achievedRate: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request over a keep-alive agent; resolves with status and latency in ms. */
export function timedRequest(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; ms: number; setCookie?: string[] }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } : headers,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            setCookie: res.headers['set-cookie'],
          }),
        );
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/**
 * Open-loop load: starts one request every 1/rate seconds for `seconds`, whatever the
 * latency of earlier ones (so queueing shows up in the percentiles), and waits for all.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  make: (i: number) => Promise<{ status: number; ms: number }>,
  okStatus = 200,
): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const pending: Promise<{ status: number; ms: number }>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(make(i).catch(() => ({ status: 0, ms: NaN })));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const ms = results
    .filter((r) => r.status === okStatus)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  return {
    count: results.length,
    errors: results.filter((r) => r.status !== okStatus).length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? NaN,
    achievedRate: results.length / elapsed,
  };
}

export const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
