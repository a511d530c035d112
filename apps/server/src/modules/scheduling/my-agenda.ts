import { sql } from 'kysely';
import type { z } from 'zod';
import type { Agenda, AgendaQuery, Role } from '@calmdesk/shared';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { accountDb, systemDb } from '../../platform/tenancy.ts';
import type { AuthState } from '../identity/session-store.ts';
import { listAppointments } from './read-appointments.ts';

/**
 * The combined agenda of a member of several practices: each practice is read in its own
 * transaction with its own scope and access-log entries, and every item names its practice.
 */
export async function myAgenda(
  deps: AppDeps,
  auth: AuthState,
  meta: RequestMeta,
  q: z.infer<typeof AgendaQuery>,
): Promise<z.infer<typeof Agenda>> {
  const memberships = await accountDb(deps)
    .selectFrom('memberships')
    .innerJoin('practices', 'practices.id', 'memberships.practice_id')
    .select(['memberships.id', 'memberships.practice_id', 'memberships.roles', 'practices.name'])
    .where('memberships.user_id', '=', auth.userId)
    .where('memberships.active', '=', true)
    .where(sql<boolean>`memberships.roles && ARRAY['owner','back_office','clinician']`)
    .orderBy('practices.name')
    .execute();
  const items: z.infer<typeof Agenda>['items'] = [];
  for (const m of memberships) {
    const practiceDb = systemDb(deps, { practiceId: m.practice_id, reason: 'my agenda: one scoped transaction per practice' });
    const { items: appointments } = await practiceDb.transaction().execute((tx) =>
      listAppointments(
        {
          deps,
          tx,
          practiceId: m.practice_id,
          membershipId: m.id,
          roles: m.roles as Role[],
          actor: { userId: auth.userId, sessionId: auth.sessionId, secondFactorAt: auth.secondFactorAt },
          meta,
        },
        q,
      ),
    );
    for (const a of appointments) items.push({ ...a, practiceName: m.name });
  }
  items.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return { items };
}
