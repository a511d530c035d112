import { sql } from 'kysely';
import type { z } from 'zod';
import { MIN_YEAR, normaliseBsn, type ClientSearchQuery } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { noteBreakGlass } from '../../platform/break-glass.ts';
import { scoped } from '../../platform/tenancy.ts';
import { presentClient, presentSummary, SUMMARY_COLUMNS } from './presenter.ts';
import { inCareOf, seesOnlyOwnClients } from './care.ts';
import { loadClient } from './queries.ts';

/** One client's administrative record (any member; audited). */
export async function getClient(ctx: PracticeCtx, clientId: string) {
  const row = await loadClient(ctx, clientId, { allowDestroyed: true });
  await scoped(ctx).audit({ action: 'client.read', entityType: 'client', entityId: clientId, clientId, dataCategory: 'client' });
  return presentClient(row);
}

/**
 * `dd-mm-yyyy` or `yyyy-mm-dd` → ISO date, else null (also for a date that does not exist).
 * A date no client can be born on (before MIN_YEAR, after today) is a field error on `query.q`:
 * PostgreSQL has no year 0, and a year-9999 search finds nobody anyway.
 */
function asDate(q: string): string | null {
  const nl = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(q);
  const iso = nl ? `${nl[3]}-${nl[2]?.padStart(2, '0')}-${nl[1]?.padStart(2, '0')}` : q;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return null;
  const today = new Date().toISOString().slice(0, 10);
  if (Number(iso.slice(0, 4)) < MIN_YEAR || iso > today) {
    throw AppError.field('query.q', `a date of birth is from ${MIN_YEAR}-01-01 to today (${today})`);
  }
  return iso;
}

/**
 * Finds clients by name (typo-tolerant), client number, BSN or date of birth. Every hit is
 * an access to that client's file and gets its own access-log entry. A clinician finds only
 * the clients in their care (or opened by break-the-glass); an exact client number or BSN of
 * another client answers a restricted hit — the number, nothing else — from which the file
 * can be opened by break-the-glass (logged as `client.search_restricted_hit`).
 */
export async function searchClients(ctx: PracticeCtx, query: z.infer<typeof ClientSearchQuery>) {
  const q = query.q?.trim() ?? '';
  let sel = scoped(ctx).selectFrom('clients').select(SUMMARY_COLUMNS).where('merged_into', 'is', null).where('destroyed_at', 'is', null);
  if (query.status) sel = sel.where('status', '=', query.status);
  const bsn = normaliseBsn(q);
  const date = asDate(q);
  const fullName = sql<string>`lower(first_name || ' ' || coalesce(name_prefix || ' ', '') || last_name)`;
  // A date first: 27-03-1980 without its dashes would also read as an 8-digit BSN.
  if (date) sel = sel.where('date_of_birth', '=', date);
  else if (bsn) sel = sel.where('bsn', '=', bsn);
  else if (/^C-?\d+$/i.test(q)) sel = sel.where('client_number', '=', `C-${q.replace(/^C-?/i, '').padStart(6, '0')}`);
  else if (q) {
    const like = `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    sel = sel.where((eb) =>
      eb.or([eb(fullName, 'like', like), eb(sql<number>`word_similarity(${q.toLowerCase()}, ${fullName})`, '>', 0.5)]),
    );
    sel = sel.orderBy(sql`word_similarity(${q.toLowerCase()}, ${fullName})`, 'desc');
  }
  const own = seesOnlyOwnClients(ctx.roles);
  const exact = !date && (bsn !== null || /^C-?\d+$/i.test(q));
  if (own && !exact) sel = sel.where(inCareOf(ctx, 'clients.id'));
  const found = await sel
    .select((eb) => (own ? inCareOf(ctx, 'clients.id')(eb) : eb.lit(true)).as('in_care'))
    .orderBy('last_name')
    .orderBy('first_name')
    .limit(query.limit)
    .execute();
  const rows = found.filter((r) => r.in_care);
  const restricted = found.filter((r) => !r.in_care);
  if (own)
    await markGlass(
      ctx,
      rows.map((r) => r.id),
    );
  // Hits reached by break-the-glass are flagged with its reason by auditMany.
  await scoped(ctx).auditMany([
    ...rows.map((r) => ({
      action: 'client.search_hit',
      entityType: 'client',
      entityId: r.id,
      clientId: r.id,
      dataCategory: 'client' as const,
    })),
    ...restricted.map((r) => ({
      action: 'client.search_restricted_hit',
      entityType: 'client',
      entityId: r.id,
      clientId: r.id,
      dataCategory: 'client' as const,
    })),
  ]);
  return {
    items: rows.map(presentSummary),
    ...(own && { restricted: restricted.map((r) => ({ id: r.id, clientNumber: r.client_number })) }),
  };
}

/** Notes which of these clients the clinician reaches by a break-the-glass grant (their search hits are flagged). */
async function markGlass(ctx: PracticeCtx, clientIds: string[]) {
  if (clientIds.length === 0) return;
  const grants = await ctx.tx
    .selectFrom('break_glass_grants')
    .select(['client_id', 'reason'])
    .where('practice_id', '=', ctx.practiceId)
    .where('membership_id', '=', ctx.membershipId)
    .where('client_id', 'in', clientIds)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('treatment_relationships as tr')
            .select(sql`1`.as('x'))
            .where('tr.practice_id', '=', ctx.practiceId)
            .where('tr.membership_id', '=', ctx.membershipId)
            .where('tr.ended_at', 'is', null)
            .whereRef('tr.client_id', '=', 'break_glass_grants.client_id'),
        ),
      ),
    )
    .orderBy('granted_at')
    .execute();
  for (const g of grants) noteBreakGlass(ctx, g.client_id, g.reason);
}

/** Who changed what, when — newest first. */
export async function clientHistory(ctx: PracticeCtx, clientId: string) {
  await loadClient(ctx, clientId, { allowDestroyed: true });
  const rows = await scoped(ctx)
    .selectFrom('client_history')
    .leftJoin('users', 'users.id', 'client_history.user_id')
    .select(['client_history.at', 'client_history.action', 'client_history.changes', 'users.name'])
    .where('client_history.client_id', '=', clientId)
    .orderBy('client_history.id', 'desc')
    .limit(500)
    .execute();
  await scoped(ctx).audit({ action: 'client.history.read', entityType: 'client', entityId: clientId, clientId, dataCategory: 'client' });
  return { items: rows.map((r) => ({ at: r.at.toISOString(), userName: r.name, action: r.action, changes: r.changes })) };
}
