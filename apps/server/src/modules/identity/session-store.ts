import type { Db, Tx } from '../../db/database.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';

export const SESSION_COOKIE = 'cd_session';

export interface AuthState {
  sessionId: string;
  userId: string;
  stage: 'password' | 'complete';
  secondFactorAt: Date | null;
  email: string;
  name: string;
  totpEnrolled: boolean;
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
export async function resolveSession(db: Db, deps: AppDeps, token: string): Promise<AuthState | null> {
  const idleMs = deps.config.session.idleMinutes * 60_000;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
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
  };
}

export async function revokeSession(db: Db | Tx, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}
