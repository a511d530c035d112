import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { testConfig } from '../config.ts';
import { createDb, type Db } from '../db/database.ts';
import { createBoss, QUEUES } from './jobs.ts';
import { emailSender, enqueueEmail } from './mail.ts';

let db: Db;
const url = process.env.TEST_DATABASE_URL ?? '';
const config = testConfig({ DATABASE_URL: url });

before(() => {
  db = createDb(url, 4);
});
after(() => db.destroy());

async function jobsFor(emailId: string): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${QUEUES.emailSend} AND data->>'emailId' = ${emailId}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

describe('background jobs', () => {
  it('enqueues the e-mail job inside the transaction of the change, and a rollback leaves none', async () => {
    let rolledBackId = '';
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        rolledBackId = await enqueueEmail(tx, config, { to: 'gone@test.example', subject: 'never', text: 'never sent' });
        assert.equal(await jobsFor(rolledBackId), 0, 'not visible outside the transaction before commit');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await jobsFor(rolledBackId), 0);
    const row = await db.selectFrom('email_outbox').select('id').where('id', '=', rolledBackId).executeTakeFirst();
    assert.equal(row, undefined);

    const id = await db
      .transaction()
      .execute((tx) => enqueueEmail(tx, config, { to: 'kept@test.example', subject: 'hello', text: 'body' }));
    assert.equal(await jobsFor(id), 1);
  });

  it('delivers a queued e-mail through the worker to the local outbox', async () => {
    const id = await db
      .transaction()
      .execute((tx) => enqueueEmail(tx, config, { to: 'worker@test.example', subject: 'via worker', text: 'body' }));
    const boss = createBoss(url, { workers: true });
    await boss.start();
    const send = emailSender(db, config);
    try {
      await boss.work<{ emailId: string }>(QUEUES.emailSend, { pollingIntervalSeconds: 0.5, batchSize: 10 }, async (jobs) => {
        for (const job of jobs) await send(job.data.emailId);
      });
      const deadline = Date.now() + 20_000;
      let status = 'queued';
      while (Date.now() < deadline && status !== 'sent') {
        await new Promise((r) => setTimeout(r, 200));
        status = (await db.selectFrom('email_outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      }
      assert.equal(status, 'sent');
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it('hands a lost job connection to the error handler instead of crashing the process', async () => {
    const errors: Error[] = [];
    const boss = createBoss(url, { workers: true, onError: (err) => errors.push(err) });
    await boss.start();
    try {
      await boss.work(QUEUES.emailSend, { pollingIntervalSeconds: 0.5 }, async () => undefined);
      await new Promise((r) => setTimeout(r, 700)); // the pool now holds idle connections
      // As the superuser (a restart would do the same); the app role may not end a connection a
      // superuser login opened, which is how DATABASE_URL connects when it is one.
      const admin = createDb(process.env.TEST_ADMIN_URL ?? '', 1);
      try {
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE application_name = 'calmdesk-jobs' AND datname = current_database() AND pid <> pg_backend_pid()`.execute(admin);
      } finally {
        await admin.destroy();
      }
      const deadline = Date.now() + 10_000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(errors.length > 0, 'the terminated connections were reported');
      assert.match(errors[0]?.message ?? '', /terminat/i);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it('records the failure and rethrows so the job is retried when SMTP is unreachable', async () => {
    const smtp = testConfig({ DATABASE_URL: url, SMTP_URL: 'smtp://127.0.0.1:9' });
    const id = await db.transaction().execute((tx) => enqueueEmail(tx, smtp, { to: 'retry@test.example', subject: 'retry', text: 'body' }));
    await assert.rejects(emailSender(db, smtp)(id));
    const row = await db
      .selectFrom('email_outbox')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'queued');
    assert.equal(row.attempts, 1);
    assert.ok(row.last_error);
  });

  it('sends through SMTP when SMTP_URL is set (a real SMTP server on 127.0.0.1)', async () => {
    const received: { to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as { port: number }).port;
    try {
      const smtp = testConfig({ DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Calmdesk <no-reply@test.example>' });
      const id = await db
        .transaction()
        .execute((tx) => enqueueEmail(tx, smtp, { to: 'smtp@test.example', subject: 'Uitnodiging', text: 'link inside' }));
      await emailSender(db, smtp)(id);
      assert.equal(received.length, 1);
      assert.deepEqual(received[0]?.to, ['smtp@test.example']);
      assert.match(received[0]?.data ?? '', /Subject: Uitnodiging/);
      const row = await db.selectFrom('email_outbox').select(['status', 'transport']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'sent', transport: 'smtp' });

      // Attachments (an .ics invitation) go along as files.
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n';
      const withFile = await db.transaction().execute((tx) =>
        enqueueEmail(tx, smtp, {
          to: 'ics@test.example',
          subject: 'Afspraak',
          text: 'zie bijlage',
          attachments: [{ filename: 'afspraak.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: ics }],
        }),
      );
      await emailSender(db, smtp)(withFile);
      const data = received[1]?.data ?? '';
      assert.match(data, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
      assert.match(data, /filename=afspraak\.ics/);
      assert.match(data, /Content-Type: text\/plain/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
