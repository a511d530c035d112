import crypto from 'node:crypto';
import { sql } from 'kysely';
import { testConfig } from '../apps/server/src/config.ts';
import type { Db } from '../apps/server/src/db/database.ts';
import { importClients, type ImportCtx } from '../apps/server/src/modules/clients/import-clients.ts';
import { createPractice } from '../apps/server/src/modules/practices/profile.ts';
import { SecretBox } from '../apps/server/src/platform/crypto.ts';
import { fictitiousClientsCsv } from '../apps/server/src/seed/fictitious-clients.ts';
import { fmt } from './lib.ts';

const ROWS = 10_000;
const BATCH = 1000;

async function newPractice(db: Db, name: string): Promise<string> {
  const user = await db
    .insertInto('users')
    .values({ email: `bench-${crypto.randomUUID().slice(0, 8)}@bench.example`, name: 'Bench', password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const p = await db
    .transaction()
    .execute((tx) => createPractice(tx, user.id, { name, timeZone: 'Europe/Amsterdam', locale: 'nl' }, { requestId: null, ip: null }));
  return p.id;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * CSV import of 10,000 generated clients (parse, validate, duplicate check, client numbers,
 * history and access-log entries, one transaction), next to a floor measured in the same run:
 * a raw multi-row INSERT of the same 10,000 rows into the clients table, in batches of 1,000.
 */
export async function benchImport(db: Db, url: string): Promise<string[]> {
  const csv = Buffer.from(fictitiousClientsCsv(ROWS, 42), 'utf8');
  const deps = { config: testConfig({ DATABASE_URL: url }), db, secrets: new SecretBox(crypto.randomBytes(32)) };
  const ctx = (tx: ImportCtx['tx'], practiceId: string): ImportCtx => ({
    deps,
    tx,
    practiceId,
    roles: 'system',
    actor: { userId: null },
    meta: { requestId: 'bench', ip: null, userAgent: null },
    reason: 'bench',
  });

  // Warm-up on a small file (JIT, connection pool, prepared plans).
  const warm = await newPractice(db, 'Bench warm-up');
  await db.transaction().execute((tx) => importClients(ctx(tx, warm), { csv: Buffer.from(fictitiousClientsCsv(200, 7)), dryRun: false }));

  const dryPractice = await newPractice(db, 'Bench dry run');
  const dry = await timed(() => db.transaction().execute((tx) => importClients(ctx(tx, dryPractice), { csv, dryRun: true })));
  const practiceId = await newPractice(db, 'Bench import');
  const real = await timed(() => db.transaction().execute((tx) => importClients(ctx(tx, practiceId), { csv, dryRun: false })));
  const created = real.value.totals.create;

  // The floor: the rows the import created, copied as they are stored, inserted by plain multi-row INSERTs.
  const rows = await db.selectFrom('clients').selectAll().where('practice_id', '=', practiceId).orderBy('client_number').execute();
  const floorPractice = await newPractice(db, 'Bench floor');
  const values = rows.map(({ id: _id, created_at: _c, updated_at: _u, ...r }) => ({
    ...r,
    practice_id: floorPractice,
    address: r.address === null ? null : JSON.stringify(r.address),
    gp: r.gp === null ? null : JSON.stringify(r.gp),
    emergency_contact: r.emergency_contact === null ? null : JSON.stringify(r.emergency_contact),
    communication: JSON.stringify(r.communication),
    consents: JSON.stringify(r.consents),
  }));
  const floor = await timed(() =>
    db.transaction().execute(async (tx) => {
      for (let i = 0; i < values.length; i += BATCH)
        await tx
          .insertInto('clients')
          .values(values.slice(i, i + BATCH))
          .execute();
    }),
  );
  const count = await db
    .selectFrom('clients')
    .select(sql<string>`count(*)`.as('n'))
    .where('practice_id', '=', floorPractice)
    .executeTakeFirstOrThrow();

  const t = real.value.totals;
  return [
    `client import, ${ROWS} CSV rows (${(csv.length / 1024 / 1024).toFixed(1)} MiB): ${fmt(real.ms)} ms — ${created} created, ${t.duplicate} duplicate, ${t.invalid} invalid; dry run ${fmt(dry.ms)} ms`,
    `  floor: raw multi-row INSERT of the same ${count.n} rows (batches of ${BATCH}, one transaction, no history or access log): ${fmt(floor.ms)} ms`,
    `  ratio: import / floor = ${fmt(real.ms / floor.ms)}× (the import also writes ${created} history rows and ${created} hash-chained access-log entries)`,
  ];
}
