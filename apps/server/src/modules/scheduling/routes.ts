import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AppointmentChange,
  AppointmentCreateBody,
  AppointmentDetail,
  AppointmentList,
  AppointmentListQuery,
  AppointmentParams,
  AppointmentPatch,
  AppointmentStatusBody,
  Booking,
  Agenda,
  AgendaQuery,
  IdempotencyHeaders,
  PracticeParams,
  SchedulingSettings,
  SchedulingSettingsPatch,
} from '@calmdesk/shared';
import { inPractice, practiceAccess, requestMeta, requireFullAuth } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { systemDb } from '../../platform/tenancy.ts';
import { changeAppointmentStatus } from './appointment-status.ts';
import { bookAppointment, prepareBooking } from './book-appointment.ts';
import { changeAppointment } from './change-appointment.ts';
import { myAgenda } from './my-agenda.ts';
import { getAppointment, listAppointments } from './read-appointments.ts';
import { getSchedulingSettings, updateSchedulingSettings } from './settings.ts';

/** The calendar: booking (single or series), moves, status flow. */
export const schedulingRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['scheduling'];

  app.get(
    '/appointments',
    {
      schema: {
        tags,
        summary: 'Appointments in a period (at most 62 days), by clinician, room, location or client',
        params: PracticeParams,
        querystring: AppointmentListQuery,
        response: withErrors({ 200: AppointmentList }),
      },
    },
    (req) => inPractice(req, (ctx) => listAppointments(ctx, req.query)),
  );
  app.post(
    '/appointments',
    {
      schema: {
        tags,
        summary:
          'Book an appointment or a weekly series (409 when a clinician, client or room is taken, or outside working hours without an override). Send an Idempotency-Key to make retries safe.',
        params: PracticeParams,
        headers: IdempotencyHeaders,
        body: AppointmentCreateBody,
        response: withErrors({ 201: Booking }),
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      // Without a key, a booking that cannot succeed (taken, outside hours, a bad field) is
      // answered after one read, before a transaction is opened.
      const access = practiceAccess(req);
      const precheck = { practiceId: access.practiceId, reason: 'booking pre-check before the transaction' };
      const prepared = key === undefined ? await prepareBooking(systemDb(req.server.deps, precheck), access, req.body) : undefined;
      return reply.status(201).send(await inPractice(req, (ctx) => bookAppointment(ctx, req.body, key, prepared)));
    },
  );
  app.get(
    '/appointments/:appointmentId',
    {
      schema: {
        tags,
        summary: 'An appointment with its history',
        params: AppointmentParams,
        response: withErrors({ 200: AppointmentDetail }),
      },
    },
    (req) => inPractice(req, (ctx) => getAppointment(ctx, req.params.appointmentId)),
  );
  app.patch(
    '/appointments/:appointmentId',
    {
      schema: {
        tags,
        summary: 'Move or change an appointment; for a series: this one, this and the following, or all',
        params: AppointmentParams,
        body: AppointmentPatch,
        response: withErrors({ 200: AppointmentChange }),
      },
    },
    (req) => inPractice(req, (ctx) => changeAppointment(ctx, req.params.appointmentId, req.body)),
  );
  app.post(
    '/appointments/:appointmentId/status',
    {
      schema: {
        tags,
        summary: 'Confirm, mark attended or no-show, or cancel (with who, why and the fee decision)',
        params: AppointmentParams,
        body: AppointmentStatusBody,
        response: withErrors({ 200: AppointmentChange }),
      },
    },
    (req) => inPractice(req, (ctx) => changeAppointmentStatus(ctx, req.params.appointmentId, req.body)),
  );
  app.get(
    '/scheduling-settings',
    {
      schema: {
        tags,
        summary: 'Reminder lead times, video provider, notice period and no-show / late-cancellation fee policy',
        params: PracticeParams,
        response: withErrors({ 200: SchedulingSettings }),
      },
    },
    (req) => inPractice(req, (ctx) => getSchedulingSettings(ctx)),
  );
  app.patch(
    '/scheduling-settings',
    {
      schema: {
        tags,
        summary: 'Change the scheduling policy (owner)',
        params: PracticeParams,
        body: SchedulingSettingsPatch,
        response: withErrors({ 200: SchedulingSettings }),
      },
    },
    (req) => inPractice(req, (ctx) => updateSchedulingSettings(ctx, req.body)),
  );
};

/** Across practices: the caller's combined agenda, each item labelled with its practice. */
export const agendaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me/agenda',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'My agenda across all my practices (at most 62 days); each practice read is access-logged in that practice',
        querystring: AgendaQuery,
        response: withErrors({ 200: Agenda }),
      },
    },
    (req) => myAgenda(req.server.deps, requireFullAuth(req), requestMeta(req), req.query),
  );
};
