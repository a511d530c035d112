import type { z } from 'zod';
import type { AppointmentChange, AppointmentPatch, Mode } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { practiceSchedulingSettings, videoLink } from './book-appointment.ts';
import {
  checkPlace,
  durationFrom,
  loadClinicians,
  loadService,
  lockParticipants,
  overlapConflict,
  outsideHoursError,
  workingHoursProblems,
  type ClinicianInfo,
  type Occurrence,
} from './booking-rules.ts';
import { afterChange } from './hooks.ts';
import { auditAppointmentWrite, loadParticipants, lockAppointment, lockScopedSessions, readAppointments, SCHEDULERS } from './queries.ts';
import { plainFromDb, resolveLocal, resolvePlain } from './time.ts';

type Input = z.infer<typeof AppointmentPatch>;

/**
 * Moves or edits an appointment — or, for a series, this one, this and the following, or all
 * planned ones. A move of several sessions shifts each by the same wall-clock distance, so
 * sessions keep their local time across a daylight-saving change. The exclusion constraints
 * refuse any overlap the move would make; the whole change is then undone.
 */
export async function changeAppointment(ctx: PracticeCtx, appointmentId: string, input: Input) {
  requireRole(ctx, ...SCHEDULERS);
  const row = await lockAppointment(ctx, appointmentId);
  if (row.status !== 'planned' && row.status !== 'confirmed') {
    throw AppError.field('body', `an appointment that is ${row.status.replace('_', ' ')} cannot be changed`, 'conflict');
  }
  const scope = input.scope ?? 'this';
  if (scope !== 'this' && !row.series_id) throw AppError.field('body.scope', 'this appointment is not part of a series');

  const practice = await practiceSchedulingSettings(ctx);
  const zone = row.time_zone;
  const mode: Mode = input.mode ?? row.mode;
  await loadService(ctx, row.service_id, mode); // the service must allow the (new) mode
  const modeChanged = input.mode !== undefined && input.mode !== row.mode;
  const locationId = input.locationId !== undefined ? input.locationId : mode === 'in_person' ? row.location_id : null;
  const roomId = input.roomId !== undefined ? input.roomId : mode === 'in_person' ? row.room_id : null;
  const { location, room } = await checkPlace(ctx, mode, locationId, roomId);

  // The new start of the chosen session, and the wall-clock shift that applies to the others.
  const oldLocal = plainFromDb(row.local_start);
  const newStart = input.start !== undefined ? resolveLocal(input.start, zone, 'body.start') : resolvePlain(oldLocal, zone, 'body.start');
  const shift = oldLocal.until(newStart.at.toPlainDateTime(), { largestUnit: 'days' });
  const oldMinutes = Math.round((row.ends_at.getTime() - row.starts_at.getTime()) / 60_000);
  const endMs = input.end === undefined ? undefined : resolveLocal(input.end, zone, 'body.end').at.epochMilliseconds;
  const minutes =
    input.end === undefined && input.durationMinutes === undefined
      ? oldMinutes
      : durationFrom(newStart.at.epochMilliseconds, endMs, input.durationMinutes, oldMinutes);

  const targets = await lockScopedSessions(ctx, row, scope, scope === 'all');
  if (targets.length === 0) throw AppError.field('body.scope', 'no planned sessions of this series are left to change');

  const moved = targets.map((t) => {
    const start = t.id === row.id ? newStart : resolvePlain(plainFromDb(t.local_start).add(shift), zone, 'body.start');
    return {
      row: t,
      local: start.local,
      startsAt: new Date(start.at.epochMilliseconds),
      endsAt: new Date(start.at.epochMilliseconds + minutes * 60_000),
    };
  });
  const occurrences: Occurrence[] = moved;

  const participants = await loadParticipants(ctx, [row.id]);
  const clinicians: ClinicianInfo[] = input.clinicianIds
    ? await loadClinicians(ctx, input.clinicianIds)
    : (participants.clinicians.get(row.id) ?? []);
  const clients = participants.clients.get(row.id) ?? [];

  const problems = await workingHoursProblems(ctx, clinicians, occurrences, mode, location?.id ?? null, practice.time_zone);
  if (problems.length > 0 && !input.outsideHours) throw outsideHoursError(problems, 'Move');
  const override = problems.length > 0 ? (input.outsideHours?.reason ?? null) : null;

  await lockParticipants(ctx, [
    ...clinicians.map((c) => c.membershipId),
    ...(participants.clinicians.get(row.id) ?? []).map((c) => c.membershipId),
    ...clients.map((c) => c.id),
    room?.id,
  ]);
  // Shifting several sessions: go in the direction of the shift, so no session lands on a
  // sibling's old time before that sibling has moved on.
  const later = moved[0] ? moved[0].startsAt.getTime() >= moved[0].row.starts_at.getTime() : true;
  const ordered = later ? [...moved].reverse() : moved;
  const now = new Date();
  try {
    for (const m of ordered) {
      const video = mode === 'video' && (modeChanged || !m.row.video_url) ? videoLink(practice.video_url_template) : null;
      await scoped(ctx)
        .updateTable('appointments')
        .set({
          starts_at: m.startsAt,
          ends_at: m.endsAt,
          local_start: m.local,
          mode,
          location_id: location?.id ?? null,
          room_id: room?.id ?? null,
          ...(mode !== 'video' && { video_room_id: null, video_url: null }),
          ...(video && { video_room_id: video.roomId, video_url: video.url }),
          ...(override !== null && { outside_hours_reason: override }),
          updated_at: now,
        })
        .where('id', '=', m.row.id)
        .execute();
    }
    if (input.clinicianIds) {
      const ids = moved.map((m) => m.row.id);
      await scoped(ctx).deleteFrom('appointment_clinicians').where('appointment_id', 'in', ids).execute();
      await scoped(ctx)
        .insertInto(
          'appointment_clinicians',
          ids.flatMap((id) => clinicians.map((c) => ({ appointment_id: id, membership_id: c.membershipId }))),
        )
        .execute();
    }
  } catch (err) {
    throw overlapConflict(err, occurrences, { clinicians, clients }, zone) ?? err;
  }

  const ids = moved.map((m) => m.row.id);
  await scoped(ctx)
    .insertInto(
      'appointment_events',
      moved.map((m) => ({
        appointment_id: m.row.id,
        user_id: ctx.actor.userId,
        action: 'changed',
        reason: override,
        details: JSON.stringify({
          from: { startsAt: m.row.starts_at.toISOString(), mode: m.row.mode, roomId: m.row.room_id },
          to: { startsAt: m.startsAt.toISOString(), mode, roomId: room?.id ?? null },
          scope,
          ...(input.clinicianIds && { clinicianIds: input.clinicianIds }),
        }),
      })),
    )
    .execute();
  await afterChange(ctx, ids);
  const appointments = await readAppointments(ctx, ids);
  await auditAppointmentWrite(
    ctx,
    'appointment.update',
    ids.flatMap((appointmentId) => clients.map((c) => ({ appointmentId, clientId: c.id }))),
    override ? `outside working hours: ${override}` : null,
  );
  return { appointments } satisfies z.infer<typeof AppointmentChange>;
}
