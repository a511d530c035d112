import { sql } from 'kysely';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { scoped } from '../../platform/tenancy.ts';
import { requireCare } from './care.ts';
import { SUMMARY_COLUMNS } from './presenter.ts';

/**
 * Loads a live client of this practice (optionally locked); `not_found` otherwise, and
 * `not_treating` for a clinician outside whose care the client is (see care.ts).
 */
export async function loadClient(ctx: PracticeCtx, clientId: string, opts: { lock?: boolean; allowDestroyed?: boolean } = {}) {
  let q = scoped(ctx).selectFrom('clients').selectAll().where('id', '=', clientId);
  if (opts.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || (row.destroyed_at && !opts.allowDestroyed)) throw AppError.notFound('client');
  await requireCare(ctx, clientId);
  return row;
}

/** Clients that look like the same person: same BSN, or same name and date of birth. */
export async function findDuplicates(
  ctx: PracticeCtx,
  c: { bsn?: string | null; firstName: string; lastName: string; dateOfBirth: string },
  excludeId?: string,
) {
  const rows = await scoped(ctx)
    .selectFrom('clients')
    .select([
      ...SUMMARY_COLUMNS,
      sql<
        'bsn' | 'name_and_date_of_birth'
      >`CASE WHEN bsn IS NOT NULL AND bsn = ${c.bsn ?? null} THEN 'bsn' ELSE 'name_and_date_of_birth' END`.as('matched_on'),
    ])
    .where('destroyed_at', 'is', null)
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        ...(c.bsn ? [eb('bsn', '=', c.bsn)] : []),
        eb.and([
          eb('date_of_birth', '=', c.dateOfBirth),
          eb(sql`lower(first_name)`, '=', c.firstName.toLowerCase()),
          eb(sql`lower(last_name)`, '=', c.lastName.toLowerCase()),
        ]),
      ]),
    )
    .$if(excludeId !== undefined, (q) => q.where('id', '!=', excludeId ?? ''))
    .limit(10)
    .execute();
  return rows;
}

/** The next client number of the practice (C-000001 …), gap-tolerant, unique by constraint. */
export async function nextClientNumber(ctx: PracticeCtx): Promise<string> {
  const row = await ctx.tx
    .updateTable('practices')
    .set({ next_client_number: sql`next_client_number + 1` })
    .where('id', '=', ctx.practiceId)
    .returning(sql<number>`next_client_number - 1`.as('n'))
    .executeTakeFirstOrThrow();
  return `C-${String(row.n).padStart(6, '0')}`;
}

export async function addHistory(
  ctx: PracticeCtx,
  clientId: string,
  action: string,
  changes: Record<string, { from: unknown; to: unknown }> = {},
) {
  await scoped(ctx)
    .insertInto('client_history', [{ client_id: clientId, user_id: ctx.actor.userId, action, changes: JSON.stringify(changes) }])
    .execute();
}
