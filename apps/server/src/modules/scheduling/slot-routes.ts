import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  Absence,
  AbsenceCreateBody,
  AbsenceList,
  AbsenceListQuery,
  AbsenceParams,
  Availability,
  AvailabilityQuery,
  FreeSlotList,
  FreeSlotQuery,
  Ok,
  PracticeParams,
} from '@calmdesk/shared';
import { inPractice } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { createAbsence, deleteAbsence, listAbsences } from './absences.ts';
import { readAvailability } from './availability.ts';
import { findFreeSlots } from './free-slots.ts';

/** Leave, closures, availability for the agenda and the free-slot search. */
export const slotRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['scheduling'];

  app.get(
    '/free-slots',
    {
      schema: {
        tags,
        summary:
          'Free slots for a service and mode over at most 31 days, for one clinician or any who offers the service (working hours, leave, closures, buffers, rooms)',
        params: PracticeParams,
        querystring: FreeSlotQuery,
        response: withErrors({ 200: FreeSlotList }),
      },
    },
    (req) => inPractice(req, (ctx) => findFreeSlots(ctx, req.query)),
  );
  app.get(
    '/availability',
    {
      schema: {
        tags,
        summary:
          "Working hours (as instants per date, in the practice's zone), leave and closures of clinicians over at most 42 local days, for shading the agenda",
        params: PracticeParams,
        querystring: AvailabilityQuery,
        response: withErrors({ 200: Availability }),
      },
    },
    (req) => inPractice(req, (ctx) => readAvailability(ctx, req.query)),
  );
  app.get(
    '/absences',
    {
      schema: {
        tags,
        summary: 'Leave and closures overlapping a period (local dates, inclusive)',
        params: PracticeParams,
        querystring: AbsenceListQuery,
        response: withErrors({ 200: AbsenceList }),
      },
    },
    (req) => inPractice(req, (ctx) => listAbsences(ctx, req.query)),
  );
  app.post(
    '/absences',
    {
      schema: {
        tags,
        summary: "Record a member's leave or a closure of the practice (owner, back office)",
        params: PracticeParams,
        body: AbsenceCreateBody,
        response: withErrors({ 201: Absence }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createAbsence(ctx, req.body))),
  );
  app.delete(
    '/absences/:absenceId',
    {
      schema: { tags, summary: 'Remove leave or a closure (owner, back office)', params: AbsenceParams, response: withErrors({ 200: Ok }) },
    },
    (req) => inPractice(req, (ctx) => deleteAbsence(ctx, req.params.absenceId)),
  );
};
