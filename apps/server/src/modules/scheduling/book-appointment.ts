import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AppointmentCreateBody, Booking } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { idempotent } from '../../platform/idempotency.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import {
  checkPlace,
  durationFrom,
  loadClients,
  loadClinicians,
  loadService,
  lockParticipants,
  overlapConflict,
  workingHoursProblems,
  type Occurrence,
} from './booking-rules.ts';
import { auditAppointmentRead, auditAppointmentWrite, readAppointments, SCHEDULERS } from './queries.ts';
import { afterBooking } from './hooks.ts';
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

/**
 * Books one appointment or a weekly series. Overlaps are refused by the database's exclusion
 * constraints (the whole series or nothing); working hours, leave and closures are checked
 * here and can be overridden only with a reason, which is kept and logged.
 */
export async function bookAppointment(ctx: PracticeCtx, input: Input, idempotencyKey?: string): Promise<BookingView> {
  requireRole(ctx, ...SCHEDULERS);
  return idempotent(
    ctx,
    idempotencyKey,
    input,
    () => book(ctx, input),
    (stored) => auditAppointmentRead(ctx, 'appointment.read', stored.appointments),
  );
}

async function book(ctx: PracticeCtx, input: Input): Promise<BookingView> {
  const practice = await practiceSchedulingSettings(ctx);
  const zone = input.timeZone ?? practice.time_zone;
  const service = await loadService(ctx, input.serviceId, input.mode);
  const { location, room } = await checkPlace(ctx, input.mode, input.locationId, input.roomId);
  const clinicians = await loadClinicians(ctx, input.clinicianIds);
  const clients = await loadClients(ctx, input.clientIds);

  const first = resolveLocal(input.start, zone, 'body.start');
  const endMs = input.end === undefined ? undefined : resolveLocal(input.end, zone, 'body.end').at.epochMilliseconds;
  const minutes = durationFrom(first.at.epochMilliseconds, endMs, input.durationMinutes, service.default_duration_minutes);
  const starts: LocalInstant[] = input.recurrence ? expandSeries(first.at.toPlainDateTime(), zone, input.recurrence) : [first];
  // The duration is kept as elapsed time, so a session across a clock change still lasts it.
  const occurrences: Occurrence[] = starts.map((s) => ({
    startsAt: new Date(s.at.epochMilliseconds),
    endsAt: new Date(s.at.epochMilliseconds + minutes * 60_000),
  }));

  const problems = await workingHoursProblems(ctx, clinicians, occurrences, input.mode, location?.id ?? null, practice.time_zone);
  if (problems.length > 0 && !input.outsideHours) {
    throw new AppError(
      'outside_working_hours',
      `outside working hours: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}. Book anyway only with outsideHours.reason`,
      [{ path: 'body.start', message: problems.join('; ') }],
    );
  }
  const override = problems.length > 0 ? (input.outsideHours?.reason ?? null) : null;

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

  let ids: string[];
  try {
    const inserted = await scoped(ctx)
      .insertInto(
        'appointments',
        occurrences.map((o, i) => {
          const video = input.mode === 'video' ? videoLink(practice.video_url_template) : null;
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
      .returning('id')
      .execute();
    ids = inserted.map((r) => r.id);
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

  await scoped(ctx)
    .insertInto(
      'appointment_events',
      ids.map((id) => ({
        appointment_id: id,
        user_id: ctx.actor.userId,
        action: 'booked',
        to_status: 'planned',
        reason: override,
        details: JSON.stringify(override ? { outsideHours: problems } : {}),
      })),
    )
    .execute();
  await afterBooking(ctx, ids);

  const appointments = await readAppointments(ctx, ids);
  const series = seriesId && input.recurrence ? { id: seriesId, rrule: rruleText(input.recurrence, zone), timeZone: zone } : null;
  await auditAppointmentWrite(
    ctx,
    'appointment.create',
    ids.flatMap((appointmentId) => clients.map((c) => ({ appointmentId, clientId: c.id }))),
    override ? `outside working hours: ${override}` : null,
  );
  return { series, appointments };
}
