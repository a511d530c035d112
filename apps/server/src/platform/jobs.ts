import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { DB } from '../db/schema.ts';

/**
 * Background jobs on PostgreSQL (pg-boss 10). Jobs are enqueued inside the transaction of
 * the change that causes them, so a rolled-back change leaves no job behind; their payload
 * is ids only.
 */
export const QUEUES = {
  emailSend: 'email.send',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const SCHEMA = 'pgboss';

/**
 * pg-boss reports the failures of its own polling and maintenance (a lost connection, a
 * query cut off by shutdown) as 'error' events; without a listener Node would turn each
 * into a crash, so they are always handed to `onError` (by default written to stderr).
 */
export function createBoss(url: string, opts: { workers: boolean; onError?: (err: Error) => void }): PgBoss {
  const boss = new PgBoss({
    connectionString: url,
    schema: SCHEMA,
    max: 4,
    application_name: 'calmdesk-jobs',
    supervise: opts.workers,
    schedule: opts.workers,
    migrate: true,
  });
  const onError = opts.onError ?? ((err: Error) => console.error(`background jobs: ${err.message}`));
  boss.on('error', onError);
  return boss;
}

/** Installs or upgrades pg-boss's tables and our queues; run with the migrations. */
export async function installJobs(url: string): Promise<void> {
  const boss = createBoss(url, { workers: false });
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    const existing = await boss.getQueue(name);
    if (!existing) {
      await boss.createQueue(name, { name, retryLimit: 6, retryDelay: 10, retryBackoff: true });
    }
  }
  await boss.stop({ graceful: false, wait: true });
}

/** Enqueues a job in the caller's transaction. */
export async function enqueue(db: Kysely<DB>, queue: QueueName, data: Record<string, string>): Promise<void> {
  const adapter = {
    executeSql: async (text: string, values: unknown[]) => {
      const res = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: res.rows };
    },
  };
  await sendWith(adapter, queue, data);
}

let sender: PgBoss | undefined;
/** A pg-boss instance that only sends (no connection of its own is used with `db`). */
async function sendWith(adapter: PgBoss.Db, queue: QueueName, data: Record<string, string>): Promise<void> {
  sender ??= new PgBoss({ db: adapter, schema: SCHEMA, supervise: false, schedule: false, migrate: false });
  await sender.send(queue, data, { db: adapter });
}
