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
import * as m0010 from './migrations/0010_treatment_relationships.ts';
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
  '0010_treatment_relationships': m0010,
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
  // pg-pool's end() resolves once its clients are removed, while their Terminate messages are
  // still in flight; a database stopped right after (Ctrl-C on the embedded one) then cut those
  // connections and each reported an error. Ending the pool waits until every socket is closed.
  const closing = new Set<Promise<void>>();
  pool.on('remove', (client: pg.Client) => {
    const closed = new Promise<void>((resolve) => {
      client.once('end', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    closing.add(closed);
    void closed.then(() => closing.delete(closed));
  });
  const end = pool.end.bind(pool);
  pool.end = async () => {
    await end();
    await Promise.all(closing);
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
  url: string;
  embedded: EmbeddedCluster | undefined;
  close(): Promise<void>;
}

/**
 * Resolves the database the configuration points at: `DATABASE_URL`, or the embedded
 * cluster in the data folder (started now; with `attach`, one already running is reused).
 */
export async function acquireDatabase(config: Config, opts: { attach?: boolean; log?: (m: string) => void } = {}): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: undefined, close: async () => undefined };
  }
  const embedded = await startEmbedded({
    dataDir: config.dataDir,
    database: 'calmdesk',
    attach: opts.attach,
    log: opts.log,
  });
  return { url: embedded.url, embedded, close: () => embedded.stop() };
}
