import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withErrors } from '../../platform/openapi.ts';
import { OUTBOX_KEY_HEADER, outboxKey, outboxKeyMatches } from './outbox-key.ts';
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
 * and reset links can be followed locally. Not registered with SMTP_URL or in production
 * (`devOutboxEnabled`). It holds every practice's invitation and reset links, so only whoever
 * started the server may read it: a request without the key of the data folder
 * (`outbox-key.ts`) gets the answer of a route that does not exist, signed in or not.
 */
export const devOutboxRoutes: FastifyPluginAsyncZod = async (app) => {
  const key = outboxKey(app.deps.config);
  app.addHook('onRequest', async (req, reply) => {
    if (!outboxKeyMatches(req.headers[OUTBOX_KEY_HEADER], key)) return reply.callNotFound();
  });

  app.get(
    '/dev/outbox',
    {
      schema: {
        tags: ['development'],
        summary: 'E-mails sent to the local outbox (only without SMTP), and text messages of the logging SMS transport',
        description:
          'Development only. Needs the key printed at start (`npm start`, or `calmdesk dev outbox-url`) in the X-Calmdesk-Outbox-Key header; without it the route answers 404 like an unknown one.',
        headers: z.object({ [OUTBOX_KEY_HEADER]: z.string().min(1).max(200) }),
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
