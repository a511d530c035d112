/**
 * `npm run bench`: each benchmark prints its figure next to a floor measured in the same run.
 * Uses DATABASE_URL (a fresh database on it) or an embedded PostgreSQL in a temporary folder.
 * Only 127.0.0.1 is ever targeted; every loop is bounded in count and time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, prepareDatabase } from '../apps/server/src/db/database.ts';
import { startEmbedded } from '../apps/server/src/db/embedded.ts';
import { benchBookingStorm } from './booking-storm.ts';
import { benchFreeSlots } from './free-slots.ts';
import { benchImport } from './import.ts';
import { benchLogin } from './login.ts';
import { benchStartup } from './startup.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function database(): Promise<{ url: string; ownerUrl: string; adminUrl: string; label: string; close(): Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `calmdesk_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(external);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      ownerUrl: u.toString(),
      adminUrl: u.toString(),
      label: 'external PostgreSQL',
      close: async () => {
        const c = new pg.Client({ connectionString: external });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-bench-'));
  const cluster = await startEmbedded({ dataDir: dir, database: 'bench' });
  return {
    url: cluster.url,
    ownerUrl: cluster.ownerUrl,
    adminUrl: cluster.adminUrl,
    label: 'embedded PostgreSQL',
    close: async () => {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const lines: string[] = [`Calmdesk benchmarks — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores`];
const handle = await database();
lines.push(`database: ${handle.label}`);
// As the server runs: migrations as the owner, requests as calmdesk_app.
const { appUrl } = await prepareDatabase({ ...handle, embedded: undefined }, { env: 'test' });
const db = createDb(appUrl, 20);
try {
  if (want('login')) lines.push(...(await benchLogin(db, appUrl)));
  if (want('import')) lines.push(...(await benchImport(db, appUrl)));
  if (want('free-slots')) lines.push(...(await benchFreeSlots(db, appUrl, handle.adminUrl)));
  if (want('booking-storm')) lines.push(...(await benchBookingStorm(appUrl, !process.env.DATABASE_URL, handle.adminUrl)));
} finally {
  await db.destroy();
  await handle.close();
}
if (want('startup')) lines.push(...(await benchStartup()));
console.log(lines.join('\n'));
