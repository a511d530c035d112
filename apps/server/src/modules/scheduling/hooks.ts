import type { PracticeCtx } from '../../platform/context.ts';
import { messagesAfterBooking, messagesAfterCancel, messagesAfterChange, type Facts } from './reminders.ts';

/**
 * What follows a change of the calendar, in the same transaction: reminders and invitations
 * (enqueued as jobs), waitlist proposals when time frees up. Each use case calls these once
 * with the appointments it touched.
 */
export async function afterBooking(ctx: PracticeCtx, appointmentIds: string[], known?: Facts & { leadHours: number[] }): Promise<void> {
  await messagesAfterBooking(ctx, appointmentIds, known);
}

/** After a move or another change of time, place or people. */
export async function afterChange(ctx: PracticeCtx, appointmentIds: string[]): Promise<void> {
  await messagesAfterChange(ctx, appointmentIds);
}

/** After a cancellation (the time is free again). */
export async function afterCancel(ctx: PracticeCtx, appointmentIds: string[]): Promise<void> {
  await messagesAfterCancel(ctx, appointmentIds);
}
