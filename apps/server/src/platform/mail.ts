import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { enqueue, QUEUES } from './jobs.ts';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  practiceId?: string | null;
}

/**
 * Records an e-mail and enqueues its delivery job in the caller's transaction. Without
 * SMTP settings the local outbox is the destination (development): the UI shows it.
 */
export async function enqueueEmail(db: Kysely<DB>, config: Config, mail: OutgoingEmail): Promise<string> {
  const row = await db
    .insertInto('email_outbox')
    .values({
      practice_id: mail.practiceId ?? null,
      to_address: mail.to,
      subject: mail.subject,
      body_text: mail.text,
      transport: config.mail.smtpUrl ? 'smtp' : 'outbox',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue(db, QUEUES.emailSend, { emailId: row.id });
  return row.id;
}

/** The job: delivers one recorded e-mail; throws so pg-boss retries with back-off. */
export function emailSender(db: Db, config: Config) {
  const transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : undefined;
  return async (emailId: string): Promise<void> => {
    const mail = await db.selectFrom('email_outbox').selectAll().where('id', '=', emailId).executeTakeFirst();
    if (!mail || mail.status === 'sent') return;
    try {
      if (mail.transport === 'smtp') {
        if (!transport) throw new Error('SMTP_URL is not configured');
        await transport.sendMail({ from: config.mail.from, to: mail.to_address, subject: mail.subject, text: mail.body_text });
      }
      await db
        .updateTable('email_outbox')
        .set({ status: 'sent', sent_at: new Date(), attempts: mail.attempts + 1, last_error: null })
        .where('id', '=', emailId)
        .execute();
    } catch (err) {
      await db
        .updateTable('email_outbox')
        .set({ attempts: mail.attempts + 1, last_error: String(err).slice(0, 500) })
        .where('id', '=', emailId)
        .execute();
      throw err;
    }
  };
}
