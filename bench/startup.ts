import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../apps/server/src/db/embedded.ts';
import { fmt } from './lib.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_MS = 5000;

/** Starts the real server (as `npm start` does, embedded database) and times until /health answers. */
async function timeStart(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', CALMDESK_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error('server did not start in 60 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
        if (res.ok) break;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const ms = performance.now() - started;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
}

/** Cold start (initdb + migrations + demo seed) and warm start, next to `node -e 0` as a floor. */
export async function benchStartup(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-bench-start-'));
  try {
    const cold = await timeStart(dir);
    const warm = await timeStart(dir);
    const t = performance.now();
    await new Promise((r) => spawn(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: ROOT, stdio: 'ignore' }).once('exit', r));
    const nodeFloor = performance.now() - t;
    return [
      `startup (embedded PostgreSQL): first run ${fmt(cold.ms)} ms, later runs ${fmt(warm.ms)} ms (rss ${fmt(warm.rssMb)} MB) — target later runs ≤ ${TARGET_MS} ms: ${warm.ms <= TARGET_MS ? 'PASS' : 'FAIL'}`,
      `  floor: node + tsx doing nothing: ${fmt(nodeFloor)} ms`,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
