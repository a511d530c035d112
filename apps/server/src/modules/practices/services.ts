import { sql } from 'kysely';
import type { z } from 'zod';
import type { ServiceBody, ServiceCliniciansBody, ServicePatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { presentService } from './presenter.ts';

const COLUMNS = ['id', 'name', 'default_duration_minutes', 'allowed_modes', 'billing_code', 'buffer_minutes', 'active'] as const;
/** Who offers the service (service_clinicians); no rows means every clinician does. */
const clinicianIds = sql<string[]>`array(
  select sc.membership_id::text from service_clinicians sc
  where sc.practice_id = services.practice_id and sc.service_id = services.id order by sc.membership_id)`.as('clinician_ids');

function serviceQuery(ctx: PracticeCtx) {
  return scoped(ctx)
    .selectFrom('services')
    .select([...COLUMNS, clinicianIds]);
}

export async function listServices(ctx: PracticeCtx) {
  const rows = await serviceQuery(ctx).orderBy('name').execute();
  return { items: rows.map(presentService) };
}

export async function createService(ctx: PracticeCtx, input: z.infer<typeof ServiceBody>) {
  requireRole(ctx, 'owner');
  const row = await scoped(ctx)
    .insertInto('services', [
      {
        name: input.name,
        default_duration_minutes: input.defaultDurationMinutes,
        allowed_modes: [...new Set(input.allowedModes)],
        billing_code: input.billingCode ?? null,
        buffer_minutes: input.bufferMinutes ?? 0,
        active: input.active ?? true,
      },
    ])
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({ action: 'service.create', entityType: 'service', entityId: row.id, dataCategory: 'practice' });
  return presentService({ ...row, clinician_ids: [] });
}

export async function updateService(ctx: PracticeCtx, serviceId: string, input: z.infer<typeof ServicePatch>) {
  requireRole(ctx, 'owner');
  const row = await scoped(ctx)
    .updateTable('services')
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.defaultDurationMinutes !== undefined && { default_duration_minutes: input.defaultDurationMinutes }),
      ...(input.allowedModes !== undefined && { allowed_modes: [...new Set(input.allowedModes)] }),
      ...(input.billingCode !== undefined && { billing_code: input.billingCode }),
      ...(input.bufferMinutes !== undefined && { buffer_minutes: input.bufferMinutes }),
      ...(input.active !== undefined && { active: input.active }),
    })
    .where('id', '=', serviceId)
    .returning([...COLUMNS, clinicianIds])
    .executeTakeFirst();
  if (!row) throw AppError.notFound('service');
  await scoped(ctx).audit({ action: 'service.update', entityType: 'service', entityId: row.id, dataCategory: 'practice' });
  return presentService(row);
}

/**
 * Replaces the clinicians who offer a service (owner); an empty list means every clinician
 * does. Each must be an active clinician of this practice. Throws `not_found`, `validation_failed`.
 */
export async function setServiceClinicians(ctx: PracticeCtx, serviceId: string, input: z.infer<typeof ServiceCliniciansBody>) {
  requireRole(ctx, 'owner');
  // Locks the service so two replacements of its list take turns instead of mixing.
  const service = await scoped(ctx).selectFrom('services').select('id').where('id', '=', serviceId).forUpdate().executeTakeFirst();
  if (!service) throw AppError.notFound('service');
  const ids = input.membershipIds;
  const fields: { path: string; message: string }[] = [];
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) fields.push({ path: `body.membershipIds.${i}`, message: 'this clinician is listed twice' });
  });
  const unique = [...new Set(ids)];
  const found = unique.length
    ? await scoped(ctx)
        .selectFrom('memberships')
        .select('id')
        .where('id', 'in', unique)
        .where('active', '=', true)
        .where(sql<boolean>`roles @> ARRAY['clinician']`)
        .execute()
    : [];
  const known = new Set(found.map((m) => m.id));
  ids.forEach((id, i) => {
    if (!known.has(id)) fields.push({ path: `body.membershipIds.${i}`, message: 'no active clinician with this id in this practice' });
  });
  if (fields.length) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
  await scoped(ctx).deleteFrom('service_clinicians').where('service_id', '=', serviceId).execute();
  if (unique.length) {
    await scoped(ctx)
      .insertInto(
        'service_clinicians',
        unique.map((membershipId) => ({ service_id: serviceId, membership_id: membershipId })),
      )
      .execute();
  }
  await scoped(ctx).audit({
    action: 'service.clinicians',
    entityType: 'service',
    entityId: serviceId,
    dataCategory: 'practice',
    reason: unique.length ? `${unique.length} clinicians` : 'every clinician',
  });
  return presentService(await serviceQuery(ctx).where('id', '=', serviceId).executeTakeFirstOrThrow());
}
