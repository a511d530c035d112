import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { acquireDatabase, createDb, prepareDatabase, warmPool } from './db/database.ts';
import { sealKeyOf, startSealer } from './platform/audit-seal.ts';
import { createBoss, QUEUES } from './platform/jobs.ts';
import { emailSender } from './platform/mail.ts';
import { startAppointmentMessages } from './modules/scheduling/reminders.ts';
import { startPasswordResets } from './modules/identity/password-reset.ts';
import { SecretBox } from './platform/crypto.ts';
import { seedDemo } from './seed/demo.ts';
import { devOutboxEnabled, outboxUrl } from './modules/dev/outbox-key.ts';

/** `npm start`: config → database (embedded or external) → migrate → demo seed → http + jobs. */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const lockFile = path.join(config.dataDir, 'server.pid');
  fs.mkdirSync(config.dataDir, { recursive: true });
  guardSingleServer(lockFile);

  const database = await acquireDatabase(config, { log: (m) => (config.logLevel === 'debug' ? console.log(m) : undefined) });
  // Migrations, the job schema and the grants as the schema's owner; requests as calmdesk_app.
  const prepared = await prepareDatabase(database, config).catch(async (err: unknown) => {
    await database.close();
    fs.rmSync(lockFile, { force: true });
    throw err;
  });
  for (const w of prepared.warnings) console.warn(`warning: ${w}`);
  const db = createDb(prepared.appUrl);
  let stopping = false;
  const boss = createBoss(prepared.appUrl, {
    workers: config.jobs,
    // A poll cut off by Ctrl-C is expected; anything else is worth a line in the log.
    onError: (err) => (stopping ? undefined : console.error(`background jobs: ${err.message}`)),
  });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let seeded: string | null = null;
  const deps = { config, db, secrets: SecretBox.fromConfig(config) };
  const sealer = startSealer(db, sealKeyOf(deps), {
    sealSeconds: config.audit.sealSeconds,
    onError: (err) => (stopping ? undefined : console.error(`access-log sealing: ${err.message}`)),
  });
  try {
    seeded = config.seedDemo ? await seedDemo(deps, { onlyIfEmpty: true }) : null;
    await boss.start();
    if (config.jobs) {
      const sendEmail = emailSender(db, config);
      await boss.work<{ emailId: string }>(QUEUES.emailSend, { pollingIntervalSeconds: 1, batchSize: 5 }, async (jobs) => {
        for (const job of jobs) await sendEmail(job.data.emailId);
      });
      await startAppointmentMessages(boss, deps);
      await startPasswordResets(boss, deps);
    }
    app = await buildApp(deps);
    await warmPool(db);
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // Leave nothing running behind a failed start (the embedded database above all).
    await app?.close().catch(() => undefined);
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await sealer.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await database.close();
    fs.rmSync(lockFile, { force: true });
    throw err;
  }
  const server = app;
  const where = database.embedded
    ? `embedded PostgreSQL on port ${database.embedded.port} (${path.join(config.dataDir, 'pgdata')})`
    : 'DATABASE_URL';
  const ready = `Calmdesk ready on http://localhost:${config.port} in ${Date.now() - started} ms — database: ${where}`;
  console.log(seeded ? `${ready}\n${seeded}` : ready);
  // Only the one who started the server sees this line, and with it the key to the mailbox.
  if (devOutboxEnabled(config)) console.log(`Development mailbox: ${outboxUrl(config)}`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping Calmdesk…`);
    await server.close().catch(() => undefined);
    await boss.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => undefined);
    // The last seal covers everything written until now.
    await sealer
      .stop()
      .catch((err: unknown) => console.error(`could not seal the access log: ${err instanceof Error ? err.message : String(err)}`));
    await db.destroy().catch(() => undefined);
    await database.close();
    fs.rmSync(lockFile, { force: true });
    console.log('stopped cleanly');
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    void stop(signal).catch((err: unknown) => {
      console.error(`could not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** Refuses a second server on the same data folder; a lock left by a killed server is taken over. */
function guardSingleServer(lockFile: string): void {
  if (fs.existsSync(lockFile)) {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    let alive = false;
    try {
      if (pid > 0 && pid !== process.pid) {
        process.kill(pid, 0);
        alive = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.ts');
      }
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`Calmdesk already runs on this data folder (pid ${pid}); stop it first`);
  }
  fs.writeFileSync(lockFile, String(process.pid));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
