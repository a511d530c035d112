import { sql } from 'kysely';
import type { DeleteQueryBuilder, DeleteResult, Insertable, SelectQueryBuilder, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Role } from '@calmdesk/shared';
import type { DB, PracticeTable } from '../db/schema.ts';
import { writeAudit, type AuditEvent } from './audit.ts';
import { stampBreakGlass } from './break-glass.ts';
import type { PracticeCtx } from './context.ts';
import { AppError } from './errors.ts';

/**
 * The data-access layer for one practice: every query it builds is scoped to the practice of
 * the request, and every audit entry carries the request's actor and metadata. Use cases reach
 * practice tables only through this; the one bypass for system work is `systemDb()`.
 */
export function scoped(ctx: PracticeCtx) {
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
    /** One access-log entry for this request, in its transaction (flagged when its client was reached by break-the-glass). */
    audit(event: Omit<AuditEvent, 'practiceId' | 'userId' | 'requestId' | 'ipAddress'>) {
      return writeAudit(ctx.tx, {
        ...stampBreakGlass(ctx, event),
        practiceId: ctx.practiceId,
        userId: ctx.actor.userId,
        requestId: ctx.meta.requestId,
        ipAddress: ctx.meta.ip,
      });
    },
  };
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
