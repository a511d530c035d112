import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CandidatesForAppointmentQuery,
  CandidatesForSlotQuery,
  PracticeParams,
  WaitlistCandidates,
  WaitlistEntry,
  WaitlistEntryCreateBody,
  WaitlistEntryList,
  WaitlistEntryParams,
  WaitlistEntryPatch,
  WaitlistListQuery,
  WaitlistOfferCreateBody,
  WaitlistOfferParams,
  WaitlistOfferResult,
} from '@calmdesk/shared';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import {
  acceptOffer,
  addToWaitlist,
  candidatesForAppointment,
  candidatesForSlot,
  changeWaitlistEntry,
  declineOffer,
  listWaitlist,
  offerSlot,
  removeFromWaitlist,
} from './waitlist.ts';

/** The waitlist: entries with preferences, candidates for a freed slot, offers. */
export const waitlistRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['waitlist'];

  app.get(
    '/waitlist',
    {
      schema: {
        tags,
        summary: 'Waitlist entries (waiting and offered by default), most urgent and longest waiting first',
        params: PracticeParams,
        querystring: WaitlistListQuery,
        response: withErrors({ 200: WaitlistEntryList }),
      },
    },
    (req) => inPractice(req, (ctx) => listWaitlist(ctx, req.query)),
  );
  app.post(
    '/waitlist',
    {
      schema: {
        tags,
        summary: 'Put a client on the waitlist with preferences (clinician, modes, weekdays, day parts, urgency)',
        params: PracticeParams,
        body: WaitlistEntryCreateBody,
        response: withErrors({ 201: WaitlistEntry }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => addToWaitlist(ctx, req.body))),
  );
  app.get(
    '/waitlist/candidates',
    {
      schema: {
        tags,
        summary:
          "Waiting entries that match a cancelled appointment's time (clinician, mode, weekday and day part in the practice's zone, service), in order, with why",
        params: PracticeParams,
        querystring: CandidatesForAppointmentQuery,
        response: withErrors({ 200: WaitlistCandidates }),
      },
    },
    (req) => inPractice(req, (ctx) => candidatesForAppointment(ctx, req.query.appointmentId)),
  );
  app.get(
    '/waitlist/candidates/slot',
    {
      schema: {
        tags,
        summary: 'Waiting entries that match a free slot (local start, duration, clinician, mode, optional service), in order, with why',
        params: PracticeParams,
        querystring: CandidatesForSlotQuery,
        response: withErrors({ 200: WaitlistCandidates }),
      },
    },
    (req) => inPractice(req, (ctx) => candidatesForSlot(ctx, req.query)),
  );
  app.patch(
    '/waitlist/:waitlistEntryId',
    {
      schema: {
        tags,
        summary: "Change an entry's preferences or urgency",
        params: WaitlistEntryParams,
        body: WaitlistEntryPatch,
        response: withErrors({ 200: WaitlistEntry }),
      },
    },
    (req) => inPractice(req, (ctx) => changeWaitlistEntry(ctx, req.params.waitlistEntryId, req.body)),
  );
  app.post(
    '/waitlist/:waitlistEntryId/offers',
    {
      schema: {
        tags,
        summary: 'Offer a slot (a cancelled appointment, or start + duration + clinician + mode) to a waiting client',
        params: WaitlistEntryParams,
        body: WaitlistOfferCreateBody,
        response: withErrors({ 201: WaitlistOfferResult }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => offerSlot(ctx, req.params.waitlistEntryId, req.body))),
  );
  // Decline before accept: a declined offer can still be accepted when the client calls back.
  app.post(
    '/waitlist/offers/:waitlistOfferId/decline',
    {
      schema: {
        tags,
        summary: 'The client declines the offer: the entry waits again',
        params: WaitlistOfferParams,
        response: withErrors({ 200: WaitlistOfferResult }),
      },
    },
    (req) => inPractice(req, (ctx) => declineOffer(ctx, req.params.waitlistOfferId)),
  );
  app.post(
    '/waitlist/offers/:waitlistOfferId/accept',
    {
      schema: {
        tags,
        summary: 'The client accepts: the slot is booked as a normal appointment (409 when it was taken meanwhile; the offer stays open)',
        params: WaitlistOfferParams,
        response: withErrors({ 200: WaitlistOfferResult }),
      },
    },
    (req) => inPractice(req, (ctx) => acceptOffer(ctx, req.params.waitlistOfferId)),
  );
  app.delete(
    '/waitlist/:waitlistEntryId',
    {
      schema: {
        tags,
        summary: 'Take an entry off the waitlist (kept as removed; open offers are withdrawn)',
        params: WaitlistEntryParams,
        response: withErrors({ 200: WaitlistEntry }),
      },
    },
    (req) => inPractice(req, (ctx) => removeFromWaitlist(ctx, req.params.waitlistEntryId)),
  );
};
