import { sql } from 'kysely';
import type { z } from 'zod';
import type { TrajectoryCreateBody, TrajectoryPatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { localDate } from '../../platform/local-date.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { assignLead, endForClosedTrajectory } from './care.ts';
import { addHistory, loadClient } from './queries.ts';
import { CLIENT_WRITERS } from './register-client.ts';

function trajectoryQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('care_trajectories')
    .innerJoin('memberships', 'memberships.id', 'care_trajectories.lead_membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .innerJoin('practices', 'practices.id', 'care_trajectories.practice_id')
    .select([
      'practices.time_zone',
      'care_trajectories.id',
      'care_trajectories.client_id',
      'care_trajectories.start_date',
      'care_trajectories.end_date',
      'care_trajectories.lead_membership_id',
      'users.name as lead_name',
      'care_trajectories.care_demand_type',
      'care_trajectories.diagnosis_group',
      'care_trajectories.referral_id',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof trajectoryQuery>['executeTakeFirstOrThrow']>>;
function present(r: Row) {
  return {
    id: r.id,
    clientId: r.client_id,
    startDate: r.start_date,
    endDate: r.end_date,
    leadMembershipId: r.lead_membership_id,
    leadName: r.lead_name,
    careDemandType: r.care_demand_type,
    diagnosisGroup: r.diagnosis_group,
    referralId: r.referral_id,
    // Open through its end date, on the practice's calendar.
    open: r.end_date === null || r.end_date >= localDate(r.time_zone),
  };
}

async function requireClinician(ctx: PracticeCtx, membershipId: string, path: string) {
  const m = await scoped(ctx)
    .selectFrom('memberships')
    .select('id')
    .where('id', '=', membershipId)
    .where('active', '=', true)
    .where(sql<boolean>`roles @> ARRAY['clinician']`)
    .executeTakeFirst();
  if (!m) throw AppError.field(path, 'no active clinician with this id in this practice');
}

export async function listTrajectories(ctx: PracticeCtx, clientId: string) {
  await loadClient(ctx, clientId, { allowDestroyed: true });
  const rows = await trajectoryQuery(ctx)
    .where('care_trajectories.client_id', '=', clientId)
    .orderBy('care_trajectories.start_date', 'desc')
    .execute();
  await scoped(ctx).audit({
    action: 'client.trajectories.read',
    entityType: 'client',
    entityId: clientId,
    clientId,
    dataCategory: 'client',
  });
  return { items: rows.map(present) };
}

/**
 * Opens a care trajectory. At most one open trajectory per client unless the practice allows
 * more (checked under the client's row lock, so concurrent requests cannot both pass).
 */
export async function createTrajectory(ctx: PracticeCtx, clientId: string, input: z.infer<typeof TrajectoryCreateBody>) {
  requireRole(ctx, ...CLIENT_WRITERS, 'clinician');
  await loadClient(ctx, clientId, { lock: true });
  await requireClinician(ctx, input.leadMembershipId, 'body.leadMembershipId');
  const practice = await ctx.tx
    .selectFrom('practices')
    .select('allow_multiple_open_trajectories')
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
  if (!practice.allow_multiple_open_trajectories) {
    const open = await scoped(ctx)
      .selectFrom('care_trajectories')
      .select('id')
      .where('client_id', '=', clientId)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', input.startDate)]))
      .executeTakeFirst();
    if (open) throw AppError.field('body.startDate', 'this client already has an open care trajectory; close it first', 'conflict');
  }
  const row = await scoped(ctx)
    .insertInto('care_trajectories', [
      {
        client_id: clientId,
        start_date: input.startDate,
        lead_membership_id: input.leadMembershipId,
        care_demand_type: input.careDemandType ?? null,
        diagnosis_group: input.diagnosisGroup ?? null,
      },
    ])
    .returning('id')
    .executeTakeFirstOrThrow();
  await addHistory(ctx, clientId, 'trajectory.open', { trajectory: { from: null, to: input.startDate } });
  // Opened by the owner or back office, the lead treats the client from now on.
  await assignLead(ctx, clientId, row.id, input.leadMembershipId);
  await scoped(ctx).audit({
    action: 'client.trajectory.create',
    entityType: 'care_trajectory',
    entityId: row.id,
    clientId,
    dataCategory: 'client',
  });
  return present(await trajectoryQuery(ctx).where('care_trajectories.id', '=', row.id).executeTakeFirstOrThrow());
}

export async function updateTrajectory(ctx: PracticeCtx, clientId: string, trajectoryId: string, input: z.infer<typeof TrajectoryPatch>) {
  requireRole(ctx, ...CLIENT_WRITERS, 'clinician');
  await loadClient(ctx, clientId, { lock: true });
  const current = await scoped(ctx)
    .selectFrom('care_trajectories')
    .select(['id', 'start_date', 'end_date'])
    .where('id', '=', trajectoryId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!current) throw AppError.notFound('care trajectory');
  if (input.endDate && input.endDate < current.start_date) throw AppError.field('body.endDate', 'end date is before the start date');
  if (input.leadMembershipId) await requireClinician(ctx, input.leadMembershipId, 'body.leadMembershipId');
  await scoped(ctx)
    .updateTable('care_trajectories')
    .set({
      ...(input.endDate !== undefined && { end_date: input.endDate }),
      ...(input.leadMembershipId !== undefined && { lead_membership_id: input.leadMembershipId }),
      ...(input.careDemandType !== undefined && { care_demand_type: input.careDemandType }),
      ...(input.diagnosisGroup !== undefined && { diagnosis_group: input.diagnosisGroup }),
    })
    .where('id', '=', trajectoryId)
    .execute();
  await addHistory(
    ctx,
    clientId,
    'trajectory.update',
    Object.fromEntries(Object.entries(input).map(([k, v]) => [k, { from: null, to: v }])),
  );
  // Closing the trajectory ends the treatment relationships that belong to it.
  if (input.endDate && current.end_date === null) await endForClosedTrajectory(ctx, clientId, trajectoryId);
  const closed = input.endDate !== undefined ? input.endDate !== null : current.end_date !== null;
  if (input.leadMembershipId && !closed) await assignLead(ctx, clientId, trajectoryId, input.leadMembershipId);
  await scoped(ctx).audit({
    action: 'client.trajectory.update',
    entityType: 'care_trajectory',
    entityId: trajectoryId,
    clientId,
    dataCategory: 'client',
  });
  return present(await trajectoryQuery(ctx).where('care_trajectories.id', '=', trajectoryId).executeTakeFirstOrThrow());
}
