import { UUID_PATTERN } from '@calmdesk/shared';
import type { Db, Tx } from '../../db/database.ts';
import { writeAudit } from '../../platform/audit.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';

export const SESSION_COOKIE = 'cd_session';

export interface AuthState {
  sessionId: string;
  userId: string;
  stage: 'password' | 'complete';
  secondFactorAt: Date | null;
  email: string;
  name: string;
  totpEnrolled: boolean;
  /**
   * The membership in the practice the request's URL names (`/practices/:practiceId/…`), read
   * with the session in one statement; null when the account is no active member of it, and
   * undefined when the request names no practice.
   */
  membership?: { practiceId: string; id: string; roles: string[]; timeZone: string } | null;
}

/** Creates a fresh session (a new token every login: the cookie is rotated). */
export async function createSession(tx: Tx, deps: AppDeps, userId: string, meta: RequestMeta) {
  const token = newToken();
  const expires = new Date(Date.now() + deps.config.session.absoluteHours * 3_600_000);
  const row = await tx
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      stage: 'password',
      expires_at: expires,
      ip_address: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, sessionId: row.id, expiresAt: expires };
}

/**
 * Resolves a cookie token to a live session: not revoked, within its absolute lifetime and
 * used within the idle timeout. Touches `last_seen_at` at most once a minute.
 */
export async function resolveSession(db: Db, deps: AppDeps, token: string, practiceId?: string): Promise<AuthState | null> {
  const idleMs = deps.config.session.idleMinutes * 60_000;
  const practice = practiceId !== undefined && UUID_PATTERN.test(practiceId) ? practiceId : undefined;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .$if(practice !== undefined, (q) =>
      q
        .leftJoin('memberships', (j) =>
          j
            .onRef('memberships.user_id', '=', 'sessions.user_id')
            .on('memberships.practice_id', '=', practice ?? '')
            .on('memberships.active', '=', true),
        )
        .leftJoin('practices', 'practices.id', 'memberships.practice_id')
        .select(['memberships.id as membership_id', 'memberships.roles as membership_roles', 'practices.time_zone as practice_zone']),
    )
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.stage',
      'sessions.second_factor_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.email',
      'users.name',
      'users.totp_enrolled_at',
      'users.disabled_at',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now || row.last_seen_at.getTime() + idleMs <= now) return null;
  if (now - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now) })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    sessionId: row.id,
    userId: row.user_id,
    stage: row.stage,
    secondFactorAt: row.second_factor_at,
    email: row.email,
    name: row.name,
    totpEnrolled: row.totp_enrolled_at !== null,
    ...(practiceId === undefined ? {} : { membership: membershipOf(row, practice) }),
  };
}

function membershipOf(
  row: { membership_id?: string | null; membership_roles?: string[] | null; practice_zone?: string | null },
  practiceId: string | undefined,
): AuthState['membership'] {
  if (practiceId === undefined || !row.membership_id || !row.membership_roles || !row.practice_zone) return null;
  return { practiceId, id: row.membership_id, roles: row.membership_roles, timeZone: row.practice_zone };
}

export async function revokeSession(db: Db | Tx, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/**
 * Ends one of the account's own sessions (signing out another device), with its access-log
 * entry in the same transaction. A session that is not the account's own, or already ended,
 * answers 404 `not_found` and the attempt is logged as denied.
 */
export async function endOwnSession(db: Db, auth: Pick<AuthState, 'userId'>, sessionId: string, meta: RequestMeta): Promise<void> {
  const entry = { practiceId: null, userId: auth.userId, entityType: 'session', entityId: sessionId, dataCategory: 'account' as const };
  const ended = await db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('id', '=', sessionId)
      .where('user_id', '=', auth.userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (res.numUpdatedRows === 0n) return false;
    await writeAudit(tx, { ...entry, action: 'auth.session.end', requestId: meta.requestId, ipAddress: meta.ip });
    return true;
  });
  if (!ended) {
    await writeAudit(db, {
      ...entry,
      action: 'auth.session.end',
      outcome: 'denied',
      reason: 'not an active session of this account',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
    throw AppError.notFound('session');
  }
}
