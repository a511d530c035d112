import { sql } from 'kysely';
import type { z } from 'zod';
import type { AppointmentDetail, AppointmentListQuery } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { appointmentQuery, auditAppointmentRead, isOwnAppointment, loadParticipants, presentAppointment, SCHEDULERS } from './queries.ts';

const READERS = [...SCHEDULERS, 'billing', 'clinician'] as const;
const MAX_RANGE_DAYS = 62;

/** A clinician without a back-office role sees only the appointments they take part in. */
function ownOnly(ctx: PracticeCtx): boolean {
  return !ctx.roles.some((r) => r === 'owner' || r === 'back_office' || r === 'billing');
}

/**
 * The calendar for a period, filtered by clinician, room, location or client. Each client
 * shown gets its access-log entry, in one statement.
 */
export async function listAppointments(ctx: PracticeCtx, q: z.infer<typeof AppointmentListQuery>) {
  requireRole(ctx, ...READERS);
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (to.getTime() <= from.getTime()) throw AppError.field('query.to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw AppError.field('query.to', `ask for at most ${MAX_RANGE_DAYS} days at a time`);
  }
  const range = sql<boolean>`appointments.during && tstzrange(${from}, ${to}, '[)')`;
  const rows = await appointmentQuery(ctx)
    .where(range)
    .$if(q.includeCancelled !== 'true', (b) => b.where('appointments.occupies', '=', true))
    .$if(q.roomId !== undefined, (b) => b.where('appointments.room_id', '=', q.roomId ?? ''))
    .$if(q.locationId !== undefined, (b) => b.where('appointments.location_id', '=', q.locationId ?? ''))
    .$if(q.clinicianId !== undefined || ownOnly(ctx), (b) =>
      b.where((eb) =>
        eb.exists(
          eb
            .selectFrom('appointment_clinicians')
            .select('appointment_clinicians.appointment_id')
            .whereRef('appointment_clinicians.appointment_id', '=', 'appointments.id')
            .where('appointment_clinicians.membership_id', '=', ownOnly(ctx) ? ctx.membershipId : (q.clinicianId ?? '')),
        ),
      ),
    )
    .$if(q.clientId !== undefined, (b) =>
      b.where((eb) =>
        eb.exists(
          eb
            .selectFrom('appointment_clients')
            .select('appointment_clients.appointment_id')
            .whereRef('appointment_clients.appointment_id', '=', 'appointments.id')
            .where('appointment_clients.client_id', '=', q.clientId ?? ''),
        ),
      ),
    )
    .orderBy('appointments.starts_at')
    .limit(5000)
    .execute();
  const participants = await loadParticipants(
    ctx,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) => presentAppointment(r, participants));
  await auditAppointmentRead(ctx, 'appointment.list', items);
  return { items };
}

export async function getAppointment(ctx: PracticeCtx, appointmentId: string): Promise<z.infer<typeof AppointmentDetail>> {
  requireRole(ctx, ...READERS);
  const row = await appointmentQuery(ctx).where('appointments.id', '=', appointmentId).executeTakeFirst();
  if (!row || (ownOnly(ctx) && !(await isOwnAppointment(ctx, appointmentId)))) throw AppError.notFound('appointment');
  const participants = await loadParticipants(ctx, [row.id]);
  const events = await scoped(ctx)
    .selectFrom('appointment_events')
    .leftJoin('users', 'users.id', 'appointment_events.user_id')
    .select([
      'appointment_events.at',
      'users.name as user_name',
      'appointment_events.action',
      'appointment_events.from_status',
      'appointment_events.to_status',
      'appointment_events.reason',
    ])
    .where('appointment_events.appointment_id', '=', appointmentId)
    .orderBy('appointment_events.id')
    .execute();
  const appointment = presentAppointment(row, participants);
  await auditAppointmentRead(ctx, 'appointment.read', [appointment]);
  return {
    ...appointment,
    events: events.map((e) => ({
      at: e.at.toISOString(),
      userName: e.user_name,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      reason: e.reason,
    })),
  };
}
