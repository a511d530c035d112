import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { mergeRelationships } from './care.ts';
import { presentClient } from './presenter.ts';
import { addHistory, loadClient } from './queries.ts';
import { CLIENT_WRITERS } from './register-client.ts';

const FILLABLE = [
  'bsn',
  'email',
  'phone',
  'address',
  'insurer_uzovi',
  'policy_number',
  'gp',
  'emergency_contact',
  'preferred_mode',
] as const;

/**
 * Merges a duplicate record into this one: trajectories, documents, notes and history move
 * over; fields empty here are filled from the duplicate; the duplicate stays as a pointer
 * (`mergedInto`) so old references resolve. Throws `not_found`, `conflict`.
 */
export async function mergeClients(ctx: PracticeCtx, primaryId: string, duplicateId: string) {
  requireRole(ctx, ...CLIENT_WRITERS);
  if (primaryId === duplicateId) throw AppError.field('body.duplicateId', 'a client cannot be merged into itself');
  // Lock in id order so two opposite merges cannot deadlock.
  const [first, second] = [primaryId, duplicateId].sort();
  const a = await loadClient(ctx, first ?? '', { lock: true });
  const b = await loadClient(ctx, second ?? '', { lock: true });
  const [primary, duplicate] = a.id === primaryId ? [a, b] : [b, a];
  if (primary.merged_into || duplicate.merged_into) throw new AppError('conflict', 'one of these records was already merged');
  if (primary.bsn && duplicate.bsn && primary.bsn !== duplicate.bsn) {
    throw AppError.field('body.duplicateId', 'these clients have different BSNs; they are not the same person', 'conflict');
  }
  const db = scoped(ctx);
  const fill: Record<string, unknown> = {};
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const col of FILLABLE) {
    if (primary[col] === null && duplicate[col] !== null) {
      fill[col] = typeof duplicate[col] === 'object' ? JSON.stringify(duplicate[col]) : duplicate[col];
      changes[col] = { from: null, to: duplicate[col] };
    }
  }
  if (fill.bsn) {
    // The duplicate gives up its BSN first: one BSN belongs to one live record.
    await db.updateTable('clients').set({ bsn: null }).where('id', '=', duplicateId).execute();
  }
  await db
    .updateTable('clients')
    .set({ ...fill, updated_at: new Date() })
    .where('id', '=', primaryId)
    .execute();
  for (const table of ['care_trajectories', 'documents', 'clinical_notes', 'client_history'] as const) {
    await db.updateTable(table).set({ client_id: primaryId }).where('client_id', '=', duplicateId).execute();
  }
  await mergeRelationships(ctx, primaryId, duplicateId);
  await db.updateTable('clients').set({ merged_into: primaryId, updated_at: new Date() }).where('id', '=', duplicateId).execute();
  await addHistory(ctx, primaryId, 'client.merge', { mergedFrom: { from: null, to: duplicate.client_number }, ...changes });
  await addHistory(ctx, duplicateId, 'client.merged_into', { mergedInto: { from: null, to: primary.client_number } });
  await db.audit({
    action: 'client.merge',
    entityType: 'client',
    entityId: duplicateId,
    clientId: primaryId,
    dataCategory: 'client',
    reason: `merged ${duplicate.client_number} into ${primary.client_number}`,
  });
  return presentClient(await loadClient(ctx, primaryId));
}
