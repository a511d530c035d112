import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AppointmentMessageList,
  AppointmentParams,
  CalendarFeedCreated,
  CalendarFeedStatus,
  CalendarTokenParams,
  Ok,
  StaffParams,
} from '@calmdesk/shared';
import { inPractice, requestMeta } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { createCalendarFeed, getCalendarFeed, listAppointmentMessages, readCalendarFeed, revokeCalendarFeed } from './feeds.ts';

/** Public reads of a feed per address: calendar apps poll every 15–60 minutes. */
export const FEED_RATE_LIMIT = { max: 60, timeWindow: 60_000 };

const practiceCalendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['scheduling'];
  const feedPath = '/staff/:membershipId/calendar-feed';

  app.get(
    feedPath,
    {
      schema: {
        tags,
        summary: 'Whether a member has a calendar feed (never its address); the member themself, owner or back office',
        params: StaffParams,
        response: withErrors({ 200: CalendarFeedStatus }),
      },
    },
    (req) => inPractice(req, (ctx) => getCalendarFeed(ctx, req.params.membershipId)),
  );
  app.post(
    feedPath,
    {
      schema: {
        tags,
        summary:
          "Make a member's calendar feed (recent second factor): the secret address is answered this once; an earlier feed of the member is revoked",
        params: StaffParams,
        response: withErrors({ 201: CalendarFeedCreated }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createCalendarFeed(ctx, req.params.membershipId))),
  );
  app.delete(
    feedPath,
    {
      schema: {
        tags,
        summary: "Revoke a member's calendar feed: its address answers 404 from now on",
        params: StaffParams,
        response: withErrors({ 200: Ok }),
      },
    },
    (req) => inPractice(req, (ctx) => revokeCalendarFeed(ctx, req.params.membershipId)),
  );
  app.get(
    '/appointments/:appointmentId/messages',
    {
      schema: {
        tags,
        summary: 'Invitations, reminders, updates and cancellations of an appointment, with their status and why one was skipped',
        params: AppointmentParams,
        response: withErrors({ 200: AppointmentMessageList }),
      },
    },
    (req) => inPractice(req, (ctx) => listAppointmentMessages(ctx, req.params.appointmentId)),
  );
};

const publicCalendarRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(rateLimit, { global: false });
  app.get(
    '/calendar/:token.ics',
    {
      config: { rateLimit: FEED_RATE_LIMIT },
      schema: {
        tags: ['scheduling'],
        summary:
          "A clinician's appointments as iCalendar, 4 weeks back to 26 weeks ahead (no session: the secret address is the key; 404 when unknown or revoked)",
        security: [],
        params: CalendarTokenParams,
        response: withErrors({
          200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } },
        }),
      },
    },
    async (req, reply) => {
      const ics = await readCalendarFeed(req.server.deps, req.params.token, requestMeta(req));
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-robots-tag', 'noindex')
        .header('content-disposition', 'inline; filename="calmdesk.ics"')
        .send(ics);
    },
  );
};

/** Calendar feeds (per clinician, and their public address) and the messages of an appointment. */
export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(practiceCalendarRoutes, { prefix: '/practices/:practiceId' });
  await app.register(publicCalendarRoutes);
};
