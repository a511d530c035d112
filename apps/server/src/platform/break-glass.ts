import type { AuditEvent } from './audit.ts';
import type { PracticeCtx } from './context.ts';

/**
 * The clients a request reaches by break-the-glass, with the stated reason, kept per
 * transaction: every access-log entry of the request about such a client carries
 * `break_glass = true` and the reason (scoped(ctx).audit and {@link stampBreakGlass}).
 */
const opened = new WeakMap<object, Map<string, string>>();

export function noteBreakGlass(ctx: Pick<PracticeCtx, 'tx'>, clientId: string, reason: string): void {
  let m = opened.get(ctx.tx);
  if (!m) {
    m = new Map<string, string>();
    opened.set(ctx.tx, m);
  }
  m.set(clientId, reason);
}

export function breakGlassReason(ctx: Pick<PracticeCtx, 'tx'>, clientId: string | null | undefined): string | undefined {
  return clientId ? opened.get(ctx.tx)?.get(clientId) : undefined;
}

/** The event as logged: flagged with the break-the-glass reason when its client was reached that way. */
export function stampBreakGlass<E extends Pick<AuditEvent, 'clientId' | 'reason' | 'breakGlass'>>(ctx: Pick<PracticeCtx, 'tx'>, e: E): E {
  const reason = breakGlassReason(ctx, e.clientId);
  if (reason === undefined) return e;
  return { ...e, breakGlass: true, reason: e.reason ? `${reason} (${e.reason})` : reason };
}
