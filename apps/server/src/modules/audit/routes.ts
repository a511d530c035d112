import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditPage, AuditQuery, AuditVerifyResult, PracticeParams } from '@calmdesk/shared';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { readAuditLog, verifyPracticeLog } from './read-log.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['access log'];
  app.get(
    '/audit-log',
    {
      schema: {
        tags,
        summary: 'Read the access log (owner, recent 2FA)',
        params: PracticeParams,
        querystring: AuditQuery,
        response: withErrors({ 200: AuditPage }),
      },
    },
    (req) => inPractice(req, (ctx) => readAuditLog(ctx, req.query)),
  );
  app.post(
    '/audit-log/verify',
    {
      schema: {
        tags,
        summary: 'Verify the hash chain of the access log (owner, recent 2FA)',
        params: PracticeParams,
        response: withErrors({ 200: AuditVerifyResult }),
      },
    },
    (req) => inPractice(req, verifyPracticeLog),
  );
};
