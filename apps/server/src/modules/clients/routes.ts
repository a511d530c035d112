import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  Client,
  ClientCreateBody,
  ClientHistory,
  ClientParams,
  ClientPatch,
  ClientSearchQuery,
  ClientSearchResult,
  MergeBody,
  PracticeParams,
  Trajectory,
  TrajectoryCreateBody,
  TrajectoryList,
  TrajectoryParams,
  TrajectoryPatch,
} from '@calmdesk/shared';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { mergeClients } from './merge-clients.ts';
import { clientHistory, getClient, searchClients } from './read-client.ts';
import { registerClient } from './register-client.ts';
import { createTrajectory, listTrajectories, updateTrajectory } from './trajectories.ts';
import { updateClient } from './update-client.ts';

/** The client file: administrative data, history, care trajectories. */
export const clientRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['clients'];

  app.get(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Find clients by name, client number, BSN or date of birth',
        params: PracticeParams,
        querystring: ClientSearchQuery,
        response: withErrors({ 200: ClientSearchResult }),
      },
    },
    (req) => inPractice(req, (ctx) => searchClients(ctx, req.query)),
  );
  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Register a client (409 with the matches when a possible duplicate exists)',
        params: PracticeParams,
        body: ClientCreateBody,
        response: withErrors({ 201: Client }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => registerClient(ctx, req.body))),
  );
  app.get(
    '/clients/:clientId',
    { schema: { tags, summary: "A client's administrative record", params: ClientParams, response: withErrors({ 200: Client }) } },
    (req) => inPractice(req, (ctx) => getClient(ctx, req.params.clientId)),
  );
  app.patch(
    '/clients/:clientId',
    {
      schema: {
        tags,
        summary: "Change a client's data or status",
        params: ClientParams,
        body: ClientPatch,
        response: withErrors({ 200: Client }),
      },
    },
    (req) => inPractice(req, (ctx) => updateClient(ctx, req.params.clientId, req.body)),
  );
  app.get(
    '/clients/:clientId/history',
    {
      schema: {
        tags,
        summary: 'Who changed what in the client record, and when',
        params: ClientParams,
        response: withErrors({ 200: ClientHistory }),
      },
    },
    (req) => inPractice(req, (ctx) => clientHistory(ctx, req.params.clientId)),
  );
  app.post(
    '/clients/:clientId/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate record into this client',
        params: ClientParams,
        body: MergeBody,
        response: withErrors({ 200: Client }),
      },
    },
    (req) => inPractice(req, (ctx) => mergeClients(ctx, req.params.clientId, req.body.duplicateId)),
  );

  app.get(
    '/clients/:clientId/trajectories',
    { schema: { tags, summary: 'Care trajectories of a client', params: ClientParams, response: withErrors({ 200: TrajectoryList }) } },
    (req) => inPractice(req, (ctx) => listTrajectories(ctx, req.params.clientId)),
  );
  app.post(
    '/clients/:clientId/trajectories',
    {
      schema: {
        tags,
        summary: 'Open a care trajectory',
        params: ClientParams,
        body: TrajectoryCreateBody,
        response: withErrors({ 201: Trajectory }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createTrajectory(ctx, req.params.clientId, req.body))),
  );
  app.patch(
    '/clients/:clientId/trajectories/:trajectoryId',
    {
      schema: {
        tags,
        summary: 'Change or close a care trajectory',
        params: TrajectoryParams,
        body: TrajectoryPatch,
        response: withErrors({ 200: Trajectory }),
      },
    },
    (req) => inPractice(req, (ctx) => updateTrajectory(ctx, req.params.clientId, req.params.trajectoryId, req.body)),
  );
};
