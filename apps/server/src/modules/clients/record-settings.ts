import type { z } from 'zod';
import type { RecordSettingsPatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';

const COLUMNS = [
  'notes_shared_with_co_clinicians',
  'allow_multiple_open_trajectories',
  'max_document_bytes',
  'clinical_retention_years',
] as const;

function present(p: {
  notes_shared_with_co_clinicians: boolean;
  allow_multiple_open_trajectories: boolean;
  max_document_bytes: number;
  clinical_retention_years: number;
}) {
  return {
    notesSharedWithCoClinicians: p.notes_shared_with_co_clinicians,
    allowMultipleOpenTrajectories: p.allow_multiple_open_trajectories,
    maxDocumentBytes: p.max_document_bytes,
    clinicalRetentionYears: p.clinical_retention_years,
  };
}

/** The practice's client-record settings (any member: clinicians need to know whether notes are shared). */
export async function getRecordSettings(ctx: PracticeCtx) {
  return present(await ctx.tx.selectFrom('practices').select(COLUMNS).where('id', '=', ctx.practiceId).executeTakeFirstOrThrow());
}

/** Changes the client-record settings (owner; 403 `forbidden` otherwise). Audited with the changed fields. */
export async function updateRecordSettings(ctx: PracticeCtx, input: z.infer<typeof RecordSettingsPatch>) {
  requireRole(ctx, 'owner');
  const row = await ctx.tx
    .updateTable('practices')
    .set({
      ...(input.notesSharedWithCoClinicians !== undefined && { notes_shared_with_co_clinicians: input.notesSharedWithCoClinicians }),
      ...(input.allowMultipleOpenTrajectories !== undefined && { allow_multiple_open_trajectories: input.allowMultipleOpenTrajectories }),
      ...(input.maxDocumentBytes !== undefined && { max_document_bytes: input.maxDocumentBytes }),
      ...(input.clinicalRetentionYears !== undefined && { clinical_retention_years: input.clinicalRetentionYears }),
      updated_at: new Date(),
    })
    .where('id', '=', ctx.practiceId)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({
    action: 'practice.record_settings.update',
    entityType: 'practice',
    entityId: ctx.practiceId,
    dataCategory: 'practice',
    reason: Object.entries(input)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', '),
  });
  return present(row);
}
