import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withErrors } from '../../platform/openapi.ts';

const OutboxEmail = z.object({
  id: z.uuid(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

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
        summary: 'E-mails sent to the local outbox (only without SMTP)',
        response: withErrors({ 200: z.object({ items: z.array(OutboxEmail) }) }),
      },
    },
    async () => {
      const rows = await app.deps.db
        .selectFrom('email_outbox')
        .select(['id', 'to_address', 'subject', 'body_text', 'status', 'created_at'])
        .where('transport', '=', 'outbox')
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
        })),
      };
    },
  );
};
