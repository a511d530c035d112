import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BreakGlassAccessList,
  BreakGlassBody,
  BreakGlassGrant,
  BreakGlassQuery,
  ClientParams,
  PracticeParams,
  TreatmentRelationship,
  TreatmentRelationshipCreateBody,
  TreatmentRelationshipEndBody,
  TreatmentRelationshipList,
  TreatmentRelationshipParams,
} from '@calmdesk/shared';
import { inPractice, practiceGate } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { assignClinician, breakGlass, endRelationship, listBreakGlass, listRelationships } from './care.ts';
import { loadClient } from './queries.ts';

/** Treatment relationships (who treats a client) and break-the-glass. */
export const careRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preValidation', practiceGate);
  const tags = ['treatment relationships'];

  app.get(
    '/clients/:clientId/treatment-relationships',
    {
      schema: {
        tags,
        summary: 'Who treats the client, and who did (active first)',
        params: ClientParams,
        response: withErrors({ 200: TreatmentRelationshipList }),
      },
    },
    (req) =>
      inPractice(req, async (ctx) => {
        await loadClient(ctx, req.params.clientId, { allowDestroyed: true });
        return listRelationships(ctx, req.params.clientId);
      }),
  );
  app.post(
    '/clients/:clientId/treatment-relationships',
    {
      schema: {
        tags,
        summary: 'Assign a clinician to treat the client (owner, back office); 200 with the active one when already treating',
        params: ClientParams,
        body: TreatmentRelationshipCreateBody,
        response: withErrors({ 200: TreatmentRelationship, 201: TreatmentRelationship }),
      },
    },
    async (req, reply) => {
      const out = await inPractice(req, async (ctx) => {
        await loadClient(ctx, req.params.clientId, { lock: true });
        return assignClinician(ctx, req.params.clientId, req.body);
      });
      return reply.status(out.created ? 201 : 200).send(out.relationship);
    },
  );
  app.post(
    '/clients/:clientId/treatment-relationships/:relationshipId/end',
    {
      schema: {
        tags,
        summary: 'End a treatment relationship (owner, back office); one already ended is answered as it is',
        params: TreatmentRelationshipParams,
        body: TreatmentRelationshipEndBody,
        response: withErrors({ 200: TreatmentRelationship }),
      },
    },
    (req) =>
      inPractice(req, async (ctx) => {
        await loadClient(ctx, req.params.clientId, { lock: true, allowDestroyed: true });
        return endRelationship(ctx, req.params.clientId, req.params.relationshipId, req.body);
      }),
  );
  app.post(
    '/clients/:clientId/break-glass',
    {
      schema: {
        tags,
        summary:
          'Break the glass: a clinician opens the file of a client outside their care, stating why (60 minutes, every access flagged)',
        params: ClientParams,
        body: BreakGlassBody,
        response: withErrors({ 201: BreakGlassGrant }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => breakGlass(ctx, req.params.clientId, req.body))),
  );
  app.get(
    '/break-glass',
    {
      schema: {
        tags,
        summary: 'Every break-the-glass in the practice, with its reason and the accesses made under it (owner, recent second factor)',
        params: PracticeParams,
        querystring: BreakGlassQuery,
        response: withErrors({ 200: BreakGlassAccessList }),
      },
    },
    (req) => inPractice(req, (ctx) => listBreakGlass(ctx, req.query)),
  );
};
