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
  /** Appointment messages (invitation, reminder, change, cancellation), run at their due time. */
  appointmentRemind: 'appointment.remind',
  /** A password-reset request: looks up the account, applies its limit, issues the token, mails it. */
  passwordReset: 'password.reset',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** How a failed job is retried: 6 attempts, the waits doubling from `retryDelay` seconds. */
const RETRY: Record<QueueName, { retryLimit: number; retryDelay: number; retryBackoff: boolean }> = {
  'email.send': { retryLimit: 6, retryDelay: 10, retryBackoff: true },
  // 1, 2, 4, 8 and 16 minutes: about half an hour of trying before a reminder is given up.
  'appointment.remind': { retryLimit: 5, retryDelay: 60, retryBackoff: true },
  'password.reset': { retryLimit: 5, retryDelay: 10, retryBackoff: true },
};

/** Attempts a job of this queue gets in all (the first and its retries). */
export function maxAttempts(queue: QueueName): number {
  return RETRY[queue].retryLimit + 1;
}

export type JobData = Record<string, string | string[]>;

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
      await boss.createQueue(name, { name, ...RETRY[name] });
    }
  }
  await boss.stop({ graceful: false, wait: true });
}

function adapterOf(db: Kysely<DB>): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const res = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: res.rows };
    },
  };
}

/** Enqueues a job in the caller's transaction; `startAfter` delays it. */
export async function enqueue(db: Kysely<DB>, queue: QueueName, data: JobData, opts: { startAfter?: Date } = {}): Promise<void> {
  const adapter = adapterOf(db);
  await senderFor(adapter).send(queue, data, { db: adapter, ...RETRY[queue], ...(opts.startAfter && { startAfter: opts.startAfter }) });
}

/** Enqueues several jobs of one queue in one statement, in the caller's transaction. */
export async function enqueueMany(db: Kysely<DB>, queue: QueueName, jobs: { data: JobData; startAfter?: Date }[]): Promise<void> {
  if (jobs.length === 0) return;
  const adapter = adapterOf(db);
  await senderFor(adapter).insert(
    jobs.map((j) => ({ name: queue, data: j.data, ...RETRY[queue], ...(j.startAfter && { startAfter: j.startAfter }) })),
    { db: adapter },
  );
}

let sender: PgBoss | undefined;
/** A pg-boss instance that only sends (no connection of its own is used with `db`). */
function senderFor(adapter: PgBoss.Db): PgBoss {
  sender ??= new PgBoss({ db: adapter, schema: SCHEMA, supervise: false, schedule: false, migrate: false });
  return sender;
}
