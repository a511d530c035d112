import { Kysely, Migrator, PostgresDialect, sql, type KyselyConfig, type Migration, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded, type EmbeddedCluster } from './embedded.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_clients.ts';
import * as m0003 from './migrations/0003_audit_chain_per_statement.ts';
import * as m0004 from './migrations/0004_client_bsn_unique.ts';
import * as m0005 from './migrations/0005_scheduling.ts';
import * as m0007 from './migrations/0007_reminders.ts';
import * as m0008 from './migrations/0008_booking_facts.ts';
import * as m0009 from './migrations/0009_audit_links_seals_roles.ts';
import { APP_ROLE, appConnection, grantAppRole } from './roles.ts';
import { installJobs } from '../platform/jobs.ts';
import * as m0010 from './migrations/0010_treatment_relationships.ts';
import * as m0011 from './migrations/0011_recovery_codes.ts';
import * as m0012 from './migrations/0012_reset_and_invitation_limits.ts';
import * as m0013 from './migrations/0013_note_access_release.ts';
import * as m0014 from './migrations/0014_note_access_withhold.ts';
import type { DB } from './schema.ts';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

// int8 (bigint) stays a string so no precision is lost; counts are cast explicitly.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// Wall-clock times (timestamp without time zone) stay strings: they are local to a named zone,
// never to the server's.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => v);

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_clients': m0002,
  '0003_audit_chain_per_statement': m0003,
  '0004_client_bsn_unique': m0004,
  '0005_scheduling': m0005,
  '0007_reminders': m0007,
  '0008_booking_facts': m0008,
  '0009_audit_links_seals_roles': m0009,
  '0010_treatment_relationships': m0010,
  '0011_recovery_codes': m0011,
  '0012_reset_and_invitation_limits': m0012,
  '0013_note_access_release': m0013,
  '0014_note_access_withhold': m0014,
};

/** At most this many statements are kept prepared per connection (the rest run unnamed). */
const PREPARED_PER_CONNECTION = 400;
const statementNames = new Map<string, string>();

/** The stable name of a statement text: `s` + a hash of it (one prepared statement per text and connection). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `s${createHash('sha1').update(text).digest('base64url')}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

/**
 * A connection that keeps the application's parameterised statements prepared: PostgreSQL
 * parses a statement once per connection instead of on every execution, and for lookups by
 * key switches to a cached generic plan after five runs (parsing and planning are a large
 * share of a short statement's cost). Statements without parameters (BEGIN, COMMIT, DDL),
 * very long ones (bulk inserts) and those past the per-connection limit run unnamed.
 * `query` keeps pg's overloads: only the (text, values, …) form is rewritten to a named one.
 */
class PreparingClient extends pg.Client {
  #prepared = new Set<string>();

  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && values.length <= 200 && text.length <= 8000) {
      const name = statementName(text);
      if (this.#prepared.has(name) || this.#prepared.size < PREPARED_PER_CONNECTION) {
        this.#prepared.add(name);
        return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...args.slice(2));
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/** Opens a pooled Kysely handle on a connection URL. */
export function createDb(url: string, max = 20, opts: { applicationName?: string; log?: KyselyConfig['log'] } = {}): Db {
  // Connections live a minute idle: opening one costs a backend start and a SCRAM exchange,
  // and a pool that had dropped them after the default 10 s met the next burst of requests
  // with a storm of new connections (login p99 650 ms instead of 40 ms at 50/s).
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: opts.applicationName ?? 'calmdesk',
    idleTimeoutMillis: 60_000,
    Client: PreparingClient,
  });
  // An idle connection the server closes (a restart, a shutdown racing the last job) is
  // dropped from the pool and reported; without a listener Node would crash the process.
  pool.on('error', (err) => console.error(`database connection lost: ${err.message}`));
  // pg-pool's end() resolves as soon as it has asked its clients to end, while their Terminate
  // messages are still in flight (its 'remove' event comes only after a socket closed, so it
  // cannot be waited on either); a database stopped right after (Ctrl-C on the embedded one)
  // then cut those connections, and each reported itself lost. So every connection is tracked
  // from 'connect' to its own 'end', and ending the pool waits until all of them are closed.
  const open = new Set<pg.Client>();
  pool.on('connect', (client: pg.Client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  const end = pool.end.bind(pool);
  pool.end = async () => {
    await end();
    await Promise.all(
      [...open].map(
        (client) =>
          new Promise<void>((resolve) => {
            client.once('end', () => resolve());
            setTimeout(resolve, 5000).unref();
          }),
      ),
    );
  };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(opts.log ? { log: opts.log } : {}) });
}

/** Opens `n` connections ahead of the first requests (start-up), so they do not queue behind connecting. */
export async function warmPool(db: Db, n = 4): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => sql`SELECT 1`.execute(db)));
}

/** Applies every pending forward-only migration; safe to run from several processes at once. */
// Migrations are typed against no schema: they create it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface DatabaseHandle {
  /** What the server's requests connect with (before `prepareDatabase` decides on the role). */
  url: string;
  /** Migrations and the job schema: the schema's owner. */
  ownerUrl: string;
  /** The embedded cluster's superuser (creating roles and databases); undefined for DATABASE_URL. */
  adminUrl: string | undefined;
  embedded: EmbeddedCluster | undefined;
  close(): Promise<void>;
}

/**
 * Resolves the database the configuration points at: `DATABASE_URL` (with
 * `DATABASE_OWNER_URL` for migrations when given), or the embedded cluster in the data folder
 * (started now; with `attach`, one already running is reused).
 */
export async function acquireDatabase(config: Config, opts: { attach?: boolean; log?: (m: string) => void } = {}): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return {
      url: config.databaseUrl,
      ownerUrl: config.databaseOwnerUrl ?? config.databaseUrl,
      adminUrl: undefined,
      embedded: undefined,
      close: async () => undefined,
    };
  }
  const embedded = await startEmbedded({
    dataDir: config.dataDir,
    database: 'calmdesk',
    attach: opts.attach,
    log: opts.log,
  });
  return { url: embedded.url, ownerUrl: embedded.ownerUrl, adminUrl: embedded.adminUrl, embedded, close: () => embedded.stop() };
}

export interface PreparedDatabase {
  /** The URL the server's requests use: the application role's. */
  appUrl: string;
  /** Migrations applied by this run. */
  applied: string[];
  /** What an operator should know about the roles (printed at start). */
  warnings: string[];
}

/**
 * As the owner: applies pending migrations, installs the job schema and grants the application
 * role its rights; then decides how requests connect. A DATABASE_URL that is a superuser is
 * reported, and refused in production.
 */
export async function prepareDatabase(handle: DatabaseHandle, config: Pick<Config, 'env'>): Promise<PreparedDatabase> {
  // One preparer at a time (a server and CLI commands may start together): concurrent GRANTs on
  // the same objects fail with "tuple concurrently updated".
  const lock = new pg.Client({ connectionString: handle.ownerUrl, application_name: 'calmdesk-migrate-lock' });
  await lock.connect();
  const owner = createDb(handle.ownerUrl, 2, { applicationName: 'calmdesk-migrate' });
  let applied: string[];
  try {
    await lock.query('SELECT pg_advisory_lock(7513000)');
    applied = await migrate(owner);
    await installJobs(handle.ownerUrl);
    await grantAppRole(owner);
  } finally {
    await owner.destroy();
    await lock.end();
  }
  const conn = await appConnection(handle.url);
  const warnings: string[] = [];
  if (conn.superuser) {
    const msg = `DATABASE_URL connects as ${conn.loginRole}, a PostgreSQL superuser: it could switch the access log's protections off. Requests run as ${APP_ROLE} (SET ROLE), but give the server a login without superuser (see README, "Database roles").`;
    if (config.env === 'production') throw new Error(`refusing to start in production: ${msg}`);
    warnings.push(msg);
  } else if (conn.switched) {
    warnings.push(
      `DATABASE_URL connects as ${conn.loginRole}, the owner of the schema; requests run as ${APP_ROLE} (SET ROLE). Give the server its own login (see README, "Database roles").`,
    );
  }
  return { appUrl: conn.url, applied, warnings };
}
