import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { AppointmentCreateBody, Booking, Role } from '@calmdesk/shared';
import type { DB } from '../../db/schema.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { idempotent } from '../../platform/idempotency.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { readBookingFacts, type BookingFacts, type TakenTime } from './booking-facts.ts';
import {
  checkClients,
  checkClinicians,
  checkPlaceRows,
  checkService,
  durationFrom,
  hoursProblems,
  lockParticipants,
  outsideHoursError,
  overlapConflict,
  placeNeeded,
  takenError,
  type HoursProblem,
  type ClinicianInfo,
  type Occurrence,
} from './booking-rules.ts';
import { auditAppointmentRead, auditAppointmentWrite, presentAppointment, SCHEDULERS, initials } from './queries.ts';
import { afterBooking } from './hooks.ts';
import { startByBooking } from '../clients/care.ts';
import { expandSeries, resolveLocal, rruleText, type LocalInstant } from './time.ts';

type Input = z.infer<typeof AppointmentCreateBody>;
type BookingView = z.infer<typeof Booking>;

export async function practiceSchedulingSettings(ctx: PracticeCtx) {
  return ctx.tx
    .selectFrom('practices')
    .select(['time_zone', 'video_url_template', 'reminder_lead_hours'])
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
}

/** A per-appointment video room: an unguessable id in the practice's URL template. */
export function videoLink(template: string): { roomId: string; url: string } {
  const roomId = randomBytes(16).toString('base64url');
  return { roomId, url: template.replaceAll('{roomId}', roomId) };
}

/** A booking checked against the practice's data, ready to be written. */
export interface PreparedBooking {
  zone: string;
  first: LocalInstant;
  starts: LocalInstant[];
  occurrences: Occurrence[];
  minutes: number;
  facts: BookingFacts;
  service: NonNullable<BookingFacts['service']>;
  clinicians: ClinicianInfo[];
  clients: ReturnType<typeof checkClients>;
  location: NonNullable<BookingFacts['location']> | null;
  room: NonNullable<BookingFacts['room']> | null;
  /** The logged reason when the booking is outside working hours; null otherwise. */
  override: string | null;
  problems: HoursProblem[];
}

interface Access {
  practiceId: string;
  roles: Role[];
  /** The practice's zone when the caller knows it (the HTTP gate reads it with the session). */
  timeZone?: string | undefined;
}

/**
 * Checks a booking before anything is written, with one read ({@link readBookingFacts}):
 * the role, the parts (service, clinicians, clients, place), the times (daylight saving,
 * duration, series), working hours and leave, and whether a clinician, client or room is
 * already taken. Throws the same errors the write would; without a transaction, so a booking
 * that cannot succeed costs one round trip. The exclusion constraints still decide at insert.
 */
export async function prepareBooking(db: Kysely<DB>, access: Access, input: Input): Promise<PreparedBooking> {
  requireRole(access, ...SCHEDULERS);
  const practiceZone =
    access.timeZone ??
    (await db.selectFrom('practices').select('time_zone').where('id', '=', access.practiceId).executeTakeFirstOrThrow()).time_zone;
  const zone = input.timeZone ?? practiceZone;
  const needsPlace = placeNeeded(input.mode, input.locationId, input.roomId);
  const first = resolveLocal(input.start, zone, 'body.start');
  const endMs = input.end === undefined ? undefined : resolveLocal(input.end, zone, 'body.end').at.epochMilliseconds;
  const starts: LocalInstant[] = input.recurrence ? expandSeries(first.at.toPlainDateTime(), zone, input.recurrence) : [first];
  const facts = await readBookingFacts(db, {
    practiceId: access.practiceId,
    serviceId: input.serviceId,
    clinicianIds: input.clinicianIds,
    clientIds: input.clientIds,
    locationId: needsPlace ? (input.locationId ?? null) : null,
    roomId: needsPlace ? (input.roomId ?? null) : null,
    starts: starts.map((s) => new Date(s.at.epochMilliseconds)),
  });
  const service = checkService(facts.service, input.mode);
  const place = needsPlace ? checkPlaceRows(facts.location, facts.room) : { location: null, room: null };
  const clinicians = checkClinicians(input.clinicianIds, facts.clinicians);
  const clients = checkClients(input.clientIds, facts.clients);

  const minutes = durationFrom(first.at.epochMilliseconds, endMs, input.durationMinutes, service.default_duration_minutes);
  // The duration is kept as elapsed time, so a session across a clock change still lasts it.
  const occurrences: Occurrence[] = starts.map((s) => ({
    startsAt: new Date(s.at.epochMilliseconds),
    endsAt: new Date(s.at.epochMilliseconds + minutes * 60_000),
  }));

  const problems = hoursProblems(facts, clinicians, occurrences, input.mode, place.location?.id ?? null, practiceZone);
  if (problems.length > 0 && !input.outsideHours) throw outsideHoursError(problems, 'Book');
  const taken = firstTaken(facts.taken, occurrences);
  if (taken) throw takenError(taken.time.kind, taken.time.id, taken.index, occurrences, { clinicians, clients }, zone);
  const override = problems.length > 0 ? (input.outsideHours?.reason ?? null) : null;
  return { zone, first, starts, occurrences, minutes, facts, service, clinicians, clients, ...place, override, problems };
}

/** The first occurrence (in series order) that overlaps a taken time; a room before a clinician before a client. */
function firstTaken(taken: TakenTime[], occurrences: Occurrence[]): { time: TakenTime; index: number } | undefined {
  const order = { room: 0, clinician: 1, client: 2 } as const;
  const sorted = [...taken].sort((a, b) => order[a.kind] - order[b.kind]);
  for (const [index, o] of occurrences.entries()) {
    const time = sorted.find((t) => t.startsAt.getTime() < o.endsAt.getTime() && t.endsAt.getTime() > o.startsAt.getTime());
    if (time) return { time, index };
  }
  return undefined;
}

/**
 * Books one appointment or a weekly series. Overlaps are refused by the database's exclusion
 * constraints (the whole series or nothing); working hours, leave and closures are checked
 * first and can be overridden only with a reason, which is kept and logged. `prepared` is the
 * check already made outside the transaction (a request without an Idempotency-Key); with a
 * key the check runs inside, after the key's stored answer was looked up.
 */
export async function bookAppointment(
  ctx: PracticeCtx,
  input: Input,
  idempotencyKey?: string,
  prepared?: PreparedBooking,
): Promise<BookingView> {
  requireRole(ctx, ...SCHEDULERS);
  return idempotent(
    ctx,
    idempotencyKey,
    input,
    async () => book(ctx, input, prepared ?? (await prepareBooking(ctx.tx, ctx, input))),
    (stored) => auditAppointmentRead(ctx, 'appointment.read', stored.appointments),
  );
}

async function book(ctx: PracticeCtx, input: Input, b: PreparedBooking): Promise<BookingView> {
  const { zone, first, starts, occurrences, minutes, facts, service, clinicians, clients, location, room, override } = b;
  await lockParticipants(ctx, [...clinicians.map((c) => c.membershipId), ...clients.map((c) => c.id), room?.id]);
  let seriesId: string | null = null;
  if (input.recurrence) {
    const series = await scoped(ctx)
      .insertInto('appointment_series', [
        {
          rrule: rruleText(input.recurrence, zone),
          first_local_start: first.local,
          time_zone: zone,
          duration_minutes: minutes,
          created_by: ctx.actor.userId,
        },
      ])
      .returning('id')
      .executeTakeFirstOrThrow();
    seriesId = series.id;
  }

  let rows;
  try {
    rows = await scoped(ctx)
      .insertInto(
        'appointments',
        occurrences.map((o, i) => {
          const video = input.mode === 'video' ? videoLink(facts.practice.videoUrlTemplate) : null;
          return {
            series_id: seriesId,
            series_position: seriesId ? i + 1 : null,
            service_id: service.id,
            mode: input.mode,
            location_id: location?.id ?? null,
            room_id: room?.id ?? null,
            starts_at: o.startsAt,
            ends_at: o.endsAt,
            local_start: starts[i]?.local ?? first.local,
            time_zone: zone,
            video_room_id: video?.roomId ?? null,
            video_url: video?.url ?? null,
            outside_hours_reason: override,
            created_by: ctx.actor.userId,
          };
        }),
      )
      .returningAll()
      .execute();
    const ids = rows.map((r) => r.id);
    await scoped(ctx)
      .insertInto(
        'appointment_clinicians',
        ids.flatMap((id) => clinicians.map((c) => ({ appointment_id: id, membership_id: c.membershipId }))),
      )
      .execute();
    await scoped(ctx)
      .insertInto(
        'appointment_clients',
        ids.flatMap((id) => clients.map((c) => ({ appointment_id: id, client_id: c.id }))),
      )
      .execute();
  } catch (err) {
    throw overlapConflict(err, occurrences, { clinicians, clients }, zone) ?? err;
  }
  const ids = rows.map((r) => r.id);
  // Booking a clinician for a client starts their treatment relationship when none is active.
  await startByBooking(
    ctx,
    clinicians.map((c) => c.membershipId),
    clients.map((c) => c.id),
  );

  await scoped(ctx)
    .insertInto(
      'appointment_events',
      ids.map((id) => ({
        appointment_id: id,
        user_id: ctx.actor.userId,
        action: 'booked',
        to_status: 'planned',
        reason: override,
        details: JSON.stringify(override ? { outsideHours: b.problems.map((p) => p.text) } : {}),
      })),
    )
    .execute();
  const contacts = facts.clients.filter((c) => clients.some((k) => k.id === c.id));
  await afterBooking(ctx, ids, {
    appointments: new Map(
      rows.map((r) => [r.id, { ...r, location_name: location?.name ?? null, location_address: location?.address ?? null }]),
    ),
    clients: new Map(ids.map((id) => [id, contacts])),
    leadHours: facts.practice.reminderLeadHours,
  });

  // The answer is made from what was written and read above, as readAppointments would present it.
  const byName = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const clientViews = [...clients].sort((x, y) => byName(lastName(facts, x.id), lastName(facts, y.id)));
  const clinicianViews = [...clinicians]
    .sort((x, y) => byName(x.name, y.name))
    .map((c) => ({ membershipId: c.membershipId, name: c.name, initials: initials(c.name) }));
  const appointments = rows.map((r) =>
    presentAppointment(
      { ...r, service_name: service.name, location_name: location?.name ?? null, room_name: room?.name ?? null },
      { clients: new Map([[r.id, clientViews]]), clinicians: new Map([[r.id, clinicianViews]]) },
    ),
  );
  const series = seriesId && input.recurrence ? { id: seriesId, rrule: rruleText(input.recurrence, zone), timeZone: zone } : null;
  await auditAppointmentWrite(
    ctx,
    'appointment.create',
    ids.flatMap((appointmentId) => clients.map((c) => ({ appointmentId, clientId: c.id }))),
    override ? `outside working hours: ${override}` : null,
  );
  return { series, appointments };
}

function lastName(facts: BookingFacts, clientId: string): string {
  return facts.clients.find((c) => c.id === clientId)?.last_name ?? '';
}
