import type { z } from 'zod';
import type { PracticeCreateBody, PracticeUpdateBody } from '@calmdesk/shared';
import type { Tx } from '../../db/database.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { presentPractice } from './presenter.ts';

export async function getPractice(ctx: PracticeCtx) {
  const p = await ctx.tx.selectFrom('practices').selectAll().where('id', '=', ctx.practiceId).executeTakeFirstOrThrow();
  return presentPractice(p);
}

/** Edits the practice profile (owner). */
export async function updatePractice(ctx: PracticeCtx, input: z.infer<typeof PracticeUpdateBody>) {
  requireRole(ctx, 'owner');
  const set = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.legalName !== undefined && { legal_name: input.legalName }),
    ...(input.agbCode !== undefined && { agb_code: input.agbCode }),
    ...(input.kvkNumber !== undefined && { kvk_number: input.kvkNumber }),
    ...(input.address !== undefined && { address: JSON.stringify(input.address) }),
    ...(input.iban !== undefined && { iban: input.iban }),
    ...(input.vatStatus !== undefined && { vat_status: input.vatStatus }),
    ...(input.timeZone !== undefined && { time_zone: input.timeZone }),
    ...(input.locale !== undefined && { locale: input.locale }),
    ...(input.currency !== undefined && { currency: input.currency }),
    ...(input.contactPhone !== undefined && { contact_phone: input.contactPhone }),
    ...(input.contactEmail !== undefined && { contact_email: input.contactEmail }),
  };
  const row = await ctx.tx
    .updateTable('practices')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', ctx.practiceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({
    action: 'practice.update',
    entityType: 'practice',
    entityId: ctx.practiceId,
    dataCategory: 'practice',
    reason: `fields: ${Object.keys(input).join(', ')}`,
  });
  return presentPractice(row);
}

/**
 * Creates a practice with `ownerUserId` as its owner. Used by the API (any signed-in user
 * may found a practice), the CLI and the demo seed.
 */
export async function createPractice(
  tx: Tx,
  ownerUserId: string,
  input: z.infer<typeof PracticeCreateBody>,
  meta: { requestId: string | null; ip: string | null },
) {
  const p = await tx
    .insertInto('practices')
    .values({ name: input.name, legal_name: input.legalName ?? input.name, time_zone: input.timeZone, locale: input.locale })
    .returningAll()
    .executeTakeFirstOrThrow();
  const m = await tx
    .insertInto('memberships')
    .values({ practice_id: p.id, user_id: ownerUserId, roles: ['owner'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeAudit(tx, {
    action: 'practice.create',
    practiceId: p.id,
    userId: ownerUserId,
    entityType: 'membership',
    entityId: m.id,
    dataCategory: 'practice',
    requestId: meta.requestId,
    ipAddress: meta.ip,
  });
  return presentPractice(p);
}
