/**
 * `npx tsx scripts/check-clean-stop.ts [runs]`: starts `npm start` in its own process group
 * with a fresh data folder (embedded database, demo seed), waits for the ready line, sends
 * SIGINT to the whole group as a terminal's Ctrl-C does, and checks that the output ends in
 * "stopped cleanly" with no "connection lost", "background jobs:" or other error line in it.
 * Exits 1 when any run was not clean.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../apps/server/src/db/embedded.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const NOISE = /connection lost|background jobs:|could not stop|terminating connection|error/i;

async function once(run: number): Promise<boolean> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-stop-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, CALMDESK_DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(signal ?? String(code))));
  try {
    const deadline = Date.now() + 120_000;
    while (!out.includes('Calmdesk ready')) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited during start:\n${out}`);
      if (Date.now() > deadline) throw new Error(`not ready in 120 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-(child.pid ?? 0), 'SIGINT');
    const code = await exited;
    // The tsx/node grandchild may still be writing after npm itself is gone.
    const until = Date.now() + 30_000;
    while (!out.includes('stopped cleanly') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const stopLines = out.slice(out.indexOf('SIGINT')).split('\n').filter(Boolean);
    const noisy = stopLines.filter((l) => NOISE.test(l));
    const ok = out.includes('stopped cleanly') && noisy.length === 0;
    console.log(`run ${run}: exit ${code}, ${ok ? 'clean' : 'NOT CLEAN'}`);
    if (!ok) console.log(stopLines.map((l) => `  | ${l}`).join('\n'));
    return ok;
  } finally {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL'); // anything of the group left behind
    } catch {
      // the group is gone, as it should be
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

let clean = 0;
for (let i = 1; i <= runs; i++) if (await once(i)) clean++;
console.log(`${clean}/${runs} clean stops`);
process.exit(clean === runs ? 0 : 1);
