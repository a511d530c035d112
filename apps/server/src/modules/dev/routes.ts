import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withErrors } from '../../platform/openapi.ts';
import { systemDb } from '../../platform/tenancy.ts';

const OutboxEmail = z.object({
  id: z.uuid(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
  /** File names of the attachments (an .ics invitation); the content is not shown here. */
  attachments: z.array(z.string()),
});

const OutboxSms = z.object({ id: z.uuid(), to: z.string(), text: z.string(), createdAt: z.string() });

/**
 * The development outbox: with no SMTP configured, sent e-mails land here so invitations
 * and reset links can be followed locally. Not registered when SMTP_URL is set.
 */
export const devOutboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/dev/outbox',
    {
      schema: {
        tags: ['development'],
        summary: 'E-mails sent to the local outbox (only without SMTP), and text messages of the logging SMS transport',
        response: withErrors({ 200: z.object({ items: z.array(OutboxEmail), sms: z.array(OutboxSms) }) }),
      },
    },
    async () => {
      const db = systemDb(app.deps, { practiceId: 'all', reason: 'development outbox (no SMTP, not in production)' });
      const rows = await db
        .selectFrom('email_outbox')
        .select(['id', 'to_address', 'subject', 'body_text', 'status', 'created_at', 'attachments'])
        .where('transport', '=', 'outbox')
        .orderBy('created_at', 'desc')
        .limit(50)
        .execute();
      const sms = await db
        .selectFrom('sms_outbox')
        .select(['id', 'to_number', 'body_text', 'created_at'])
        .orderBy('created_at', 'desc')
        .limit(50)
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          text: r.body_text,
          status: r.status,
          createdAt: r.created_at.toISOString(),
          attachments: r.attachments.map((a) => a.filename),
        })),
        sms: sms.map((r) => ({ id: r.id, to: r.to_number, text: r.body_text, createdAt: r.created_at.toISOString() })),
      };
    },
  );
};
