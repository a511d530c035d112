import type { z } from 'zod';
import type { AppointmentChange, AppointmentStatusBody } from '@calmdesk/shared';
import type { AppointmentStatus } from '../../db/schema.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { addDays, localDate } from '../../platform/local-date.ts';
import { scoped } from '../../platform/tenancy.ts';
import { afterCancel } from './hooks.ts';
import { auditAppointmentWrite, isOwnAppointment, lockAppointment, lockScopedSessions, readAppointments, SCHEDULERS } from './queries.ts';

type Input = z.infer<typeof AppointmentStatusBody>;

/** Which status may follow which. Attended and no-show can be corrected into each other. */
const NEXT: Record<AppointmentStatus, AppointmentStatus[]> = {
  planned: ['confirmed', 'attended', 'no_show', 'cancelled', 'late_cancelled'],
  confirmed: ['planned', 'attended', 'no_show', 'cancelled', 'late_cancelled'],
  attended: ['no_show'],
  no_show: ['attended'],
  cancelled: [],
  late_cancelled: [],
};
const CANCELLED: AppointmentStatus[] = ['cancelled', 'late_cancelled'];

/**
 * Changes an appointment's status in the one place where a cancellation or a no-show is
 * handled: who and why, the fee decision (the practice's policy unless decided otherwise for
 * this case) and, for a no-show, a follow-up task for each clinician.
 */
export async function changeAppointmentStatus(ctx: PracticeCtx, appointmentId: string, input: Input) {
  const row = await lockAppointment(ctx, appointmentId);
  const scheduler = SCHEDULERS.some((r) => ctx.roles.includes(r));
  if (!scheduler) {
    const clinicianMay = ctx.roles.includes('clinician') && ['confirmed', 'attended', 'no_show'].includes(input.status);
    if (!clinicianMay || !(await isOwnAppointment(ctx, appointmentId))) {
      throw new AppError('forbidden', 'only the back office changes this; a clinician marks attendance of their own appointments');
    }
  }
  const cancelling = CANCELLED.includes(input.status);
  const scope = input.scope ?? 'this';
  if (scope !== 'this') {
    if (!row.series_id) throw AppError.field('body.scope', 'this appointment is not part of a series');
    if (!cancelling) throw AppError.field('body.scope', 'only a cancellation applies to the following or all sessions');
  }
  if (cancelling && !input.cancelledBy) throw AppError.field('body.cancelledBy', 'say who cancelled: client or practice');
  if (!cancelling && input.cancelledBy) throw AppError.field('body.cancelledBy', 'only a cancellation has a canceller');
  if (input.followUp !== undefined && input.status !== 'no_show') {
    throw AppError.field('body.followUp', 'a follow-up is made for a no-show only');
  }

  const practice = await ctx.tx
    .selectFrom('practices')
    .select(['late_cancel_hours', 'no_show_fee_policy', 'late_cancel_fee_policy', 'time_zone'])
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();

  const targets = await lockScopedSessions(ctx, row, scope, true);
  if (targets.length === 0) throw AppError.field('body.scope', 'no planned sessions of this series are left to cancel');

  const now = new Date();
  const changes = targets.map((t) => {
    let status = input.status;
    if (!NEXT[t.status].includes(status)) {
      throw AppError.field(
        'body.status',
        `an appointment that is ${t.status.replace('_', ' ')} cannot become ${status.replace('_', ' ')}`,
        'conflict',
      );
    }
    if ((status === 'attended' || status === 'no_show') && t.starts_at.getTime() > now.getTime()) {
      throw AppError.field('body.status', 'attendance is recorded once the appointment has started', 'conflict');
    }
    // A client who cancels inside the notice period cancels late (the practice's setting).
    const noticeMs = practice.late_cancel_hours * 3_600_000;
    if (status === 'cancelled' && input.cancelledBy === 'client' && t.starts_at.getTime() - now.getTime() < noticeMs) {
      status = 'late_cancelled';
    }
    const feeApplies = status === 'no_show' || status === 'late_cancelled';
    if (input.feeDecision && !feeApplies) {
      throw AppError.field('body.feeDecision', 'a fee decision belongs to a no-show or a late cancellation');
    }
    const feeDecision = feeApplies
      ? (input.feeDecision ?? (status === 'no_show' ? practice.no_show_fee_policy : practice.late_cancel_fee_policy))
      : null;
    return { row: t, status, feeDecision };
  });

  for (const c of changes) {
    await scoped(ctx)
      .updateTable('appointments')
      .set({
        status: c.status,
        status_reason: input.reason ?? null,
        status_changed_by: ctx.actor.userId,
        status_changed_at: now,
        cancelled_by: CANCELLED.includes(c.status) ? (input.cancelledBy ?? null) : null,
        fee_decision: c.feeDecision,
        updated_at: now,
      })
      .where('id', '=', c.row.id)
      .execute();
  }
  const ids = changes.map((c) => c.row.id);
  await scoped(ctx)
    .insertInto(
      'appointment_events',
      changes.map((c) => ({
        appointment_id: c.row.id,
        user_id: ctx.actor.userId,
        action: 'status',
        from_status: c.row.status,
        to_status: c.status,
        reason: input.reason ?? null,
        details: JSON.stringify({ feeDecision: c.feeDecision, cancelledBy: input.cancelledBy ?? null, scope }),
      })),
    )
    .execute();

  const clientRows = await scoped(ctx)
    .selectFrom('appointment_clients')
    .select(['appointment_id', 'client_id'])
    .where('appointment_id', 'in', ids)
    .execute();

  if (input.status === 'no_show' && input.followUp !== false) {
    const clinicians = await scoped(ctx)
      .selectFrom('appointment_clinicians')
      .select('membership_id')
      .where('appointment_id', '=', row.id)
      .execute();
    // Two days after today on the practice's calendar (not the UTC date).
    const due = addDays(localDate(practice.time_zone, now), 2);
    await scoped(ctx)
      .insertInto(
        'tasks',
        clinicians.map((c) => ({
          assignee_membership_id: c.membership_id,
          kind: 'no_show_follow_up' as const,
          client_id: clientRows.find((r) => r.appointment_id === row.id)?.client_id ?? null,
          appointment_id: row.id,
          due_date: due,
          created_by: ctx.actor.userId,
        })),
      )
      .execute();
  }
  const freed = changes.filter((c) => CANCELLED.includes(c.status)).map((c) => c.row.id);
  if (freed.length > 0) await afterCancel(ctx, freed);

  const appointments = await readAppointments(ctx, ids);
  await auditAppointmentWrite(
    ctx,
    'appointment.status',
    clientRows.map((c) => ({ appointmentId: c.appointment_id, clientId: c.client_id })),
  );
  return { appointments } satisfies z.infer<typeof AppointmentChange>;
}
