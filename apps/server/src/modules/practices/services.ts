import type { z } from 'zod';
import type { ServiceBody, ServicePatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { presentService } from './presenter.ts';

const COLUMNS = ['id', 'name', 'default_duration_minutes', 'allowed_modes', 'billing_code', 'buffer_minutes', 'active'] as const;

export async function listServices(ctx: PracticeCtx) {
  const rows = await scoped(ctx).selectFrom('services').select(COLUMNS).orderBy('name').execute();
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
  return presentService(row);
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
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw AppError.notFound('service');
  await scoped(ctx).audit({ action: 'service.update', entityType: 'service', entityId: row.id, dataCategory: 'practice' });
  return presentService(row);
}
