import type { PracticeCtx } from '../../platform/context.ts';

/**
 * What follows a change of the calendar, in the same transaction: reminders and invitations
 * (enqueued as jobs), waitlist proposals when time frees up. Each use case calls these once
 * with the appointments it touched.
 */
export async function afterBooking(_ctx: PracticeCtx, _appointmentIds: string[]): Promise<void> {}

/** After a move or another change of time, place or people. */
export async function afterChange(_ctx: PracticeCtx, _appointmentIds: string[]): Promise<void> {}

/** After a cancellation (the time is free again). */
export async function afterCancel(_ctx: PracticeCtx, _appointmentIds: string[]): Promise<void> {}
