import { sql } from 'kysely';
import type { z } from 'zod';
import type { StaffPatch, WorkingHoursBody } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { presentStaff } from './presenter.ts';

function staffQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'memberships.id',
      'memberships.user_id',
      'users.name',
      'users.email',
      'memberships.roles',
      'memberships.agb_code',
      'memberships.big_number',
      'memberships.profession',
      'memberships.active',
    ]);
}

/** Staff of the practice with roles and professional data (personal data: audited). */
export async function listStaff(ctx: PracticeCtx) {
  const rows = await staffQuery(ctx).orderBy('users.name').execute();
  await scoped(ctx).audit({ action: 'staff.list', entityType: 'membership', dataCategory: 'staff' });
  return { items: rows.map(presentStaff) };
}

/**
 * Changes a member's roles or professional data (owner, recent 2FA). The last active owner
 * cannot be demoted or deactivated. Throws `not_found`, `conflict`.
 */
export async function updateStaff(ctx: PracticeCtx, membershipId: string, input: z.infer<typeof StaffPatch>) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  const db = scoped(ctx);
  // Staff changes of one practice take turns: two owners demoting each other would otherwise
  // lock their two membership rows in opposite orders and deadlock (a 500 instead of a 409).
  // NO KEY UPDATE leaves inserts that reference the practice unblocked.
  await ctx.tx.selectFrom('practices').select('id').where('id', '=', ctx.practiceId).forNoKeyUpdate().execute();
  const current = await db
    .selectFrom('memberships')
    .select(['id', 'roles', 'active'])
    .where('id', '=', membershipId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw AppError.notFound('staff member');
  const losesOwner =
    current.roles.includes('owner') && current.active && ((input.roles && !input.roles.includes('owner')) || input.active === false);
  if (losesOwner) {
    const owners = await db
      .selectFrom('memberships')
      .select('id')
      .where('active', '=', true)
      .where(sql<boolean>`roles @> ARRAY['owner']`)
      .forUpdate()
      .execute();
    if (owners.length <= 1)
      throw AppError.field(input.roles ? 'body.roles' : 'body.active', 'a practice needs at least one active owner', 'conflict');
  }
  await db
    .updateTable('memberships')
    .set({
      ...(input.roles !== undefined && { roles: [...new Set(input.roles)] }),
      ...(input.agbCode !== undefined && { agb_code: input.agbCode }),
      ...(input.bigNumber !== undefined && { big_number: input.bigNumber }),
      ...(input.profession !== undefined && { profession: input.profession }),
      ...(input.active !== undefined && { active: input.active }),
      updated_at: new Date(),
    })
    .where('id', '=', membershipId)
    .execute();
  await db.audit({
    action: 'staff.update',
    entityType: 'membership',
    entityId: membershipId,
    dataCategory: 'staff',
    reason: `fields: ${Object.keys(input).join(', ')}`,
  });
  const row = await staffQuery(ctx).where('memberships.id', '=', membershipId).executeTakeFirstOrThrow();
  return presentStaff(row);
}

async function requireMember(ctx: PracticeCtx, membershipId: string) {
  const m = await scoped(ctx).selectFrom('memberships').select(['id', 'roles']).where('id', '=', membershipId).executeTakeFirst();
  if (!m) throw AppError.notFound('staff member');
  return m;
}

export async function getWorkingHours(ctx: PracticeCtx, membershipId: string) {
  await requireMember(ctx, membershipId);
  const rows = await scoped(ctx)
    .selectFrom('working_hours')
    .select(['weekday', 'start_time', 'end_time', 'location_id', 'modes'])
    .where('membership_id', '=', membershipId)
    .orderBy('weekday')
    .orderBy('start_time')
    .execute();
  return {
    items: rows.map((r) => ({
      weekday: r.weekday,
      start: r.start_time.slice(0, 5),
      end: r.end_time.slice(0, 5),
      locationId: r.location_id,
      modes: r.modes as ('in_person' | 'video' | 'phone' | 'async')[],
    })),
  };
}

/**
 * Replaces a clinician's weekly working hours (owner). Blocks on one weekday may not
 * overlap; each ends after it starts; a location must be this practice's.
 */
export async function setWorkingHours(ctx: PracticeCtx, membershipId: string, input: z.infer<typeof WorkingHoursBody>) {
  requireRole(ctx, 'owner');
  await requireMember(ctx, membershipId);
  const fields: { path: string; message: string }[] = [];
  input.items.forEach((b, i) => {
    if (b.end <= b.start) fields.push({ path: `body.items.${i}.end`, message: 'end must be after start' });
    input.items.forEach((o, j) => {
      if (j > i && o.weekday === b.weekday && o.start < b.end && b.start < o.end) {
        fields.push({ path: `body.items.${j}.start`, message: `overlaps block ${i} on the same weekday` });
      }
    });
  });
  const locationIds = [...new Set(input.items.map((b) => b.locationId).filter((x): x is string => x !== null))];
  if (locationIds.length) {
    const found = await scoped(ctx).selectFrom('locations').select('id').where('id', 'in', locationIds).execute();
    const known = new Set(found.map((l) => l.id));
    input.items.forEach((b, i) => {
      if (b.locationId && !known.has(b.locationId))
        fields.push({ path: `body.items.${i}.locationId`, message: 'no such location in this practice' });
    });
  }
  if (fields.length) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
  await scoped(ctx).deleteFrom('working_hours').where('membership_id', '=', membershipId).execute();
  if (input.items.length) {
    await scoped(ctx)
      .insertInto(
        'working_hours',
        input.items.map((b) => ({
          membership_id: membershipId,
          weekday: b.weekday,
          start_time: b.start,
          end_time: b.end,
          location_id: b.locationId,
          modes: b.modes,
        })),
      )
      .execute();
  }
  await scoped(ctx).audit({ action: 'staff.working_hours.set', entityType: 'membership', entityId: membershipId, dataCategory: 'staff' });
  return getWorkingHours(ctx, membershipId);
}
