import type { Role } from '@calmdesk/shared';
import type { Db } from '../../db/database.ts';
import type { AuthState } from './session-store.ts';

/** The signed-in account with its practices (active memberships only). */
export async function getMe(db: Db, auth: AuthState) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale'])
    .where('id', '=', auth.userId)
    .executeTakeFirstOrThrow();
  const memberships =
    auth.stage === 'complete'
      ? await db
          .selectFrom('memberships')
          .innerJoin('practices', 'practices.id', 'memberships.practice_id')
          .select(['memberships.id', 'memberships.practice_id', 'memberships.roles', 'practices.name', 'practices.time_zone'])
          .where('memberships.user_id', '=', auth.userId)
          .where('memberships.active', '=', true)
          .orderBy('practices.name')
          .execute()
      : [];
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    totpEnrolled: auth.totpEnrolled,
    stage:
      auth.stage === 'complete'
        ? ('complete' as const)
        : auth.totpEnrolled
          ? ('totp_required' as const)
          : ('totp_enrolment_required' as const),
    secondFactorAt: auth.secondFactorAt?.toISOString() ?? null,
    memberships: memberships.map((m) => ({
      membershipId: m.id,
      practiceId: m.practice_id,
      practiceName: m.name,
      roles: m.roles as Role[],
      timeZone: m.time_zone,
    })),
  };
}

export async function listSessions(db: Db, auth: AuthState) {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip_address', 'user_agent'])
    .where('user_id', '=', auth.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('last_seen_at', 'desc')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at.toISOString(),
      lastSeenAt: r.last_seen_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      ipAddress: r.ip_address,
      userAgent: r.user_agent,
      current: r.id === auth.sessionId,
    })),
  };
}
