import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  InvitationCreateBody,
  Invitation,
  InvitationList,
  LocationBody,
  LocationList,
  LocationParams,
  LocationPatch,
  Location,
  Ok,
  PracticeCreateBody,
  PracticeParams,
  PracticeProfile,
  PracticeUpdateBody,
  Room,
  RoomBody,
  RoomList,
  RoomParams,
  RoomPatch,
  Service,
  ServiceBody,
  ServiceCliniciansBody,
  ServiceList,
  ServiceParams,
  ServicePatch,
  StaffList,
  StaffMember,
  StaffParams,
  StaffPatch,
  WorkingHours,
  WorkingHoursBody,
} from '@calmdesk/shared';
import { inPractice, requestMeta, requireFullAuth } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { createInvitation, listInvitations } from '../identity/invitations.ts';
import { resetMemberSecondFactor } from '../identity/second-factor-reset.ts';
import { createLocation, createRoom, listLocations, listRooms, updateLocation, updateRoom } from './locations.ts';
import { createPractice, getPractice, updatePractice } from './profile.ts';
import { createService, listServices, setServiceClinicians, updateService } from './services.ts';
import { getWorkingHours, listStaff, setWorkingHours, updateStaff } from './staff.ts';

/** Founding a practice: any signed-in account may, and becomes its owner. */
export const practiceCreateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/practices',
    {
      schema: {
        tags: ['practices'],
        summary: 'Found a new practice (you become its owner)',
        body: PracticeCreateBody,
        response: withErrors({ 201: PracticeProfile }),
      },
    },
    async (req, reply) => {
      const auth = requireFullAuth(req);
      const meta = requestMeta(req);
      const practice = await accountDb(app.deps)
        .transaction()
        .execute((tx) => createPractice(tx, auth.userId, req.body, { requestId: meta.requestId, ip: meta.ip }));
      return reply.status(201).send(practice);
    },
  );
};

/** Everything under /practices/:practiceId — gated by membership before validation. */
export const practiceRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['practice setup'];

  app.get(
    '/',
    { schema: { tags, summary: 'Practice profile', params: PracticeParams, response: withErrors({ 200: PracticeProfile }) } },
    (req) => inPractice(req, getPractice),
  );
  app.patch(
    '/',
    {
      schema: {
        tags,
        summary: 'Edit the practice profile (owner)',
        params: PracticeParams,
        body: PracticeUpdateBody,
        response: withErrors({ 200: PracticeProfile }),
      },
    },
    (req) => inPractice(req, (ctx) => updatePractice(ctx, req.body)),
  );

  app.get(
    '/locations',
    { schema: { tags, summary: 'Locations', params: PracticeParams, response: withErrors({ 200: LocationList }) } },
    (req) => inPractice(req, listLocations),
  );
  app.post(
    '/locations',
    {
      schema: {
        tags,
        summary: 'Add a location (owner)',
        params: PracticeParams,
        body: LocationBody,
        response: withErrors({ 201: Location }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createLocation(ctx, req.body))),
  );
  app.patch(
    '/locations/:locationId',
    {
      schema: {
        tags,
        summary: 'Edit a location (owner)',
        params: LocationParams,
        body: LocationPatch,
        response: withErrors({ 200: Location }),
      },
    },
    (req) => inPractice(req, (ctx) => updateLocation(ctx, req.params.locationId, req.body)),
  );

  app.get('/rooms', { schema: { tags, summary: 'Rooms', params: PracticeParams, response: withErrors({ 200: RoomList }) } }, (req) =>
    inPractice(req, listRooms),
  );
  app.post(
    '/rooms',
    {
      schema: {
        tags,
        summary: 'Add a room to a location (owner)',
        params: PracticeParams,
        body: RoomBody,
        response: withErrors({ 201: Room }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createRoom(ctx, req.body))),
  );
  app.patch(
    '/rooms/:roomId',
    { schema: { tags, summary: 'Edit a room (owner)', params: RoomParams, body: RoomPatch, response: withErrors({ 200: Room }) } },
    (req) => inPractice(req, (ctx) => updateRoom(ctx, req.params.roomId, req.body)),
  );

  app.get(
    '/services',
    { schema: { tags, summary: 'Services offered', params: PracticeParams, response: withErrors({ 200: ServiceList }) } },
    (req) => inPractice(req, listServices),
  );
  app.post(
    '/services',
    {
      schema: { tags, summary: 'Add a service (owner)', params: PracticeParams, body: ServiceBody, response: withErrors({ 201: Service }) },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createService(ctx, req.body))),
  );
  app.patch(
    '/services/:serviceId',
    {
      schema: {
        tags,
        summary: 'Edit a service (owner)',
        params: ServiceParams,
        body: ServicePatch,
        response: withErrors({ 200: Service }),
      },
    },
    (req) => inPractice(req, (ctx) => updateService(ctx, req.params.serviceId, req.body)),
  );
  app.put(
    '/services/:serviceId/clinicians',
    {
      schema: {
        tags,
        summary: 'Choose the clinicians who offer a service; an empty list means every clinician (owner)',
        params: ServiceParams,
        body: ServiceCliniciansBody,
        response: withErrors({ 200: Service }),
      },
    },
    (req) => inPractice(req, (ctx) => setServiceClinicians(ctx, req.params.serviceId, req.body)),
  );

  app.get(
    '/staff',
    { schema: { tags, summary: 'Staff, roles and professional data', params: PracticeParams, response: withErrors({ 200: StaffList }) } },
    (req) => inPractice(req, listStaff),
  );
  app.patch(
    '/staff/:membershipId',
    {
      schema: {
        tags,
        summary: "Change a member's roles or professional data (owner, recent 2FA)",
        params: StaffParams,
        body: StaffPatch,
        response: withErrors({ 200: StaffMember }),
      },
    },
    (req) => inPractice(req, (ctx) => updateStaff(ctx, req.params.membershipId, req.body)),
  );
  app.post(
    '/staff/:membershipId/second-factor/reset',
    {
      schema: {
        tags,
        summary: "Reset a member's authenticator app: they set one up again at the next sign-in (owner, recent 2FA)",
        params: StaffParams,
        response: withErrors({ 200: Ok }),
      },
    },
    (req) => inPractice(req, (ctx) => resetMemberSecondFactor(ctx, req.params.membershipId)),
  );
  app.get(
    '/staff/:membershipId/working-hours',
    { schema: { tags, summary: 'Weekly working hours of a clinician', params: StaffParams, response: withErrors({ 200: WorkingHours }) } },
    (req) => inPractice(req, (ctx) => getWorkingHours(ctx, req.params.membershipId)),
  );
  app.put(
    '/staff/:membershipId/working-hours',
    {
      schema: {
        tags,
        summary: 'Replace weekly working hours (owner)',
        params: StaffParams,
        body: WorkingHoursBody,
        response: withErrors({ 200: WorkingHours }),
      },
    },
    (req) => inPractice(req, (ctx) => setWorkingHours(ctx, req.params.membershipId, req.body)),
  );

  app.get(
    '/invitations',
    { schema: { tags, summary: 'Invitations sent (owner)', params: PracticeParams, response: withErrors({ 200: InvitationList }) } },
    (req) => inPractice(req, listInvitations),
  );
  app.post(
    '/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a colleague by e-mail (owner, recent 2FA)',
        params: PracticeParams,
        body: InvitationCreateBody,
        response: withErrors({ 201: Invitation }),
      },
    },
    async (req, reply) => reply.status(201).send(await inPractice(req, (ctx) => createInvitation(ctx, req.body))),
  );
};
