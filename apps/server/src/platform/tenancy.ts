import { sql } from 'kysely';
import type { DeleteQueryBuilder, DeleteResult, Insertable, SelectQueryBuilder, UpdateQueryBuilder, UpdateResult } from 'kysely';
import { UUID_PATTERN, type Role } from '@calmdesk/shared';
import type { Db } from '../db/database.ts';
import type { DB, PracticeTable } from '../db/schema.ts';
import { writeAudit, writeAuditMany, type AuditEvent } from './audit.ts';
import { stampBreakGlass } from './break-glass.ts';
import type { AppDeps, PracticeCtx } from './context.ts';
import { AppError } from './errors.ts';

/** What the scope needs of its caller: a request's PracticeCtx, or a system actor (CSV import by the CLI, no user). */
export type ScopeCtx = Pick<PracticeCtx, 'tx' | 'practiceId' | 'meta'> & { actor: { userId: string | null } };

/** An access-log entry as a use case states it; `scoped(ctx)` adds practice, user, request and address. */
export type ScopedAuditEvent = Omit<AuditEvent, 'practiceId' | 'userId' | 'requestId' | 'ipAddress'>;

/**
 * The data-access layer for one practice: every query it builds is scoped to the practice of
 * the request, and every audit entry carries the request's actor and metadata. Use cases reach
 * practice tables only through this; the one bypass for system work is `systemDb()`.
 */
export function scoped(ctx: ScopeCtx) {
  // Flagged with the reason when its client was reached by break-the-glass in this transaction.
  const stamp = (event: ScopedAuditEvent): AuditEvent => ({
    ...stampBreakGlass(ctx, event),
    practiceId: ctx.practiceId,
    userId: ctx.actor.userId,
    requestId: ctx.meta.requestId,
    ipAddress: ctx.meta.ip,
  });
  const inPractice = (table: PracticeTable) => sql<boolean>`${sql.ref(`${table}.practice_id`)} = ${ctx.practiceId}`;
  return {
    selectFrom<T extends PracticeTable>(table: T): SelectQueryBuilder<DB, T, object> {
      return (ctx.tx.selectFrom(table) as unknown as SelectQueryBuilder<DB, T, object>).where(inPractice(table));
    },
    updateTable<T extends PracticeTable>(table: T): UpdateQueryBuilder<DB, T, T, UpdateResult> {
      return (ctx.tx.updateTable(table) as unknown as UpdateQueryBuilder<DB, T, T, UpdateResult>).where(inPractice(table));
    },
    deleteFrom<T extends PracticeTable>(table: T): DeleteQueryBuilder<DB, T, DeleteResult> {
      return (ctx.tx.deleteFrom(table) as unknown as DeleteQueryBuilder<DB, T, DeleteResult>).where(inPractice(table));
    },
    insertInto<T extends PracticeTable>(table: T, values: Omit<Insertable<DB[T]>, 'practice_id'>[]) {
      const rows = values.map((v) => ({ ...v, practice_id: ctx.practiceId })) as Insertable<DB[T]>[];
      return ctx.tx.insertInto(table).values(rows);
    },
    /** One access-log entry for this request, in its transaction. */
    audit(event: ScopedAuditEvent) {
      return writeAudit(ctx.tx, stamp(event));
    },
    /** Several entries for this request in one statement (one per client shown, per search hit…); none is a no-op. */
    auditMany(events: readonly ScopedAuditEvent[]) {
      return writeAuditMany(ctx.tx, events.map(stamp));
    },
  };
}

/** What system work says when it takes the raw handle: the practice it touches (or all of them) and why. */
export interface SystemWork {
  /** The id of the one practice the work touches, or `'all'`. */
  practiceId: string;
  reason: string;
}

/**
 * The one bypass of `scoped(ctx)` for system work that no request's scope covers: background
 * jobs, a calendar feed read by its secret token, the booking pre-check that runs before a
 * transaction is opened, the development outbox. It returns the raw, unscoped handle, so the
 * caller filters by `work.practiceId` itself; naming the practice and the reason keeps every
 * bypass easy to find (grep `systemDb(`). Module code never reads `deps.db` directly (lint).
 */
export function systemDb(deps: Pick<AppDeps, 'db'>, work: SystemWork): Db {
  if (!work.reason.trim() || (work.practiceId !== 'all' && !UUID_PATTERN.test(work.practiceId))) {
    throw new Error('systemDb: name the practice (its id, or "all") and the reason');
  }
  return deps.db;
}

/**
 * The raw handle for account-level work (sign-in, second factor, own sessions, password reset,
 * accepting an invitation, the practices of the signed-in account): it reads and writes
 * account tables and the account's own memberships, never another practice's data.
 */
export function accountDb(deps: Pick<AppDeps, 'db'>): Db {
  return deps.db;
}

/** Throws `forbidden` unless the actor holds one of the roles in this practice. */
export function requireRole(ctx: Pick<PracticeCtx, 'roles'>, ...roles: Role[]): void {
  if (!roles.some((r) => ctx.roles.includes(r))) {
    throw new AppError('forbidden', `this needs one of the roles: ${roles.join(', ')}`);
  }
}

/** Throws `step_up_required` unless the actor confirmed a second factor recently. */
export function requireStepUp(ctx: PracticeCtx): void {
  const at = ctx.actor.secondFactorAt;
  const limit = ctx.deps.config.session.stepUpMinutes * 60_000;
  if (!at || Date.now() - at.getTime() > limit) {
    throw new AppError(
      'step_up_required',
      `confirm your second factor (within ${ctx.deps.config.session.stepUpMinutes} minutes) to do this`,
    );
  }
}
