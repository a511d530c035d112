import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { DB, EmailAttachmentJson } from '../db/schema.ts';
import { enqueue, QUEUES } from './jobs.ts';

export type EmailAttachment = EmailAttachmentJson;

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  practiceId?: string | null;
  /** Text attachments (an .ics invitation), sent as files beside the text. */
  attachments?: EmailAttachment[];
}

/**
 * Records an e-mail without scheduling its delivery: the caller delivers it with
 * `emailDelivery` (the appointment-message job does, to record its own attempts).
 */
export async function recordEmail(db: Kysely<DB>, config: Config, mail: OutgoingEmail): Promise<string> {
  const row = await db
    .insertInto('email_outbox')
    .values({
      practice_id: mail.practiceId ?? null,
      to_address: mail.to,
      subject: mail.subject,
      body_text: mail.text,
      transport: config.mail.smtpUrl ? 'smtp' : 'outbox',
      attachments: JSON.stringify(mail.attachments ?? []),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records an e-mail and enqueues its delivery job in the caller's transaction. Without
 * SMTP settings the local outbox is the destination (development): the UI shows it.
 */
export async function enqueueEmail(db: Kysely<DB>, config: Config, mail: OutgoingEmail): Promise<string> {
  const id = await recordEmail(db, config, mail);
  await enqueue(db, QUEUES.emailSend, { emailId: id });
  return id;
}

/**
 * Delivers one recorded e-mail (SMTP, or the local outbox) and records the attempt on its
 * row; throws on failure so the calling job is retried with back-off.
 */
export function emailDelivery(db: Db, config: Config) {
  const transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : undefined;
  return async (emailId: string): Promise<void> => {
    const mail = await db.selectFrom('email_outbox').selectAll().where('id', '=', emailId).executeTakeFirst();
    if (!mail || mail.status === 'sent') return;
    try {
      if (mail.transport === 'smtp') {
        if (!transport) throw new Error('SMTP_URL is not configured');
        await transport.sendMail({
          from: config.mail.from,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.body_text,
          attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        });
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

/** The job of the `email.send` queue: delivers one recorded e-mail. */
export function emailSender(db: Db, config: Config) {
  return emailDelivery(db, config);
}

/** The address part of `Name <address>` (MAIL_FROM), or the string itself. */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}
