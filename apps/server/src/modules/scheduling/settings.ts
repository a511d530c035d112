import type { z } from 'zod';
import type { SchedulingSettings, SchedulingSettingsPatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';

const COLUMNS = ['reminder_lead_hours', 'video_url_template', 'no_show_fee_policy', 'late_cancel_hours', 'late_cancel_fee_policy'] as const;

function present(r: {
  reminder_lead_hours: number[];
  video_url_template: string;
  no_show_fee_policy: 'charge' | 'waive';
  late_cancel_hours: number;
  late_cancel_fee_policy: 'charge' | 'waive';
}): z.infer<typeof SchedulingSettings> {
  return {
    reminderLeadHours: [...r.reminder_lead_hours].sort((a, b) => b - a),
    videoUrlTemplate: r.video_url_template,
    noShowFeePolicy: r.no_show_fee_policy,
    lateCancelHours: r.late_cancel_hours,
    lateCancelFeePolicy: r.late_cancel_fee_policy,
  };
}

/** The practice's scheduling policy: reminder lead times, video provider, notice period and fees. */
export async function getSchedulingSettings(ctx: PracticeCtx) {
  return present(await ctx.tx.selectFrom('practices').select(COLUMNS).where('id', '=', ctx.practiceId).executeTakeFirstOrThrow());
}

export async function updateSchedulingSettings(ctx: PracticeCtx, input: z.infer<typeof SchedulingSettingsPatch>) {
  requireRole(ctx, 'owner');
  const row = await ctx.tx
    .updateTable('practices')
    .set({
      ...(input.reminderLeadHours !== undefined && { reminder_lead_hours: [...new Set(input.reminderLeadHours)] }),
      ...(input.videoUrlTemplate !== undefined && { video_url_template: input.videoUrlTemplate }),
      ...(input.noShowFeePolicy !== undefined && { no_show_fee_policy: input.noShowFeePolicy }),
      ...(input.lateCancelHours !== undefined && { late_cancel_hours: input.lateCancelHours }),
      ...(input.lateCancelFeePolicy !== undefined && { late_cancel_fee_policy: input.lateCancelFeePolicy }),
      updated_at: new Date(),
    })
    .where('id', '=', ctx.practiceId)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await scoped(ctx).audit({
    action: 'practice.scheduling_settings.update',
    entityType: 'practice',
    entityId: ctx.practiceId,
    dataCategory: 'practice',
    reason: `fields: ${Object.keys(input).join(', ')}`,
  });
  return present(row);
}
