import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { createSession, revokeSession } from './session-store.ts';

export interface LoginInput {
  email: string;
  password: string;
}

const GENERIC = 'e-mail address or password is not correct';

/**
 * Checks e-mail + password and opens a session at the password stage (the second factor is
 * still due). Answers identically for unknown accounts, wrong passwords and locked-out
 * accounts' wrong attempts. Throws `invalid_credentials` or `rate_limited`.
 */
export async function login(deps: AppDeps, input: LoginInput, meta: RequestMeta, previousSessionId: string | null) {
  const ip = meta.ip ?? 'unknown';
  return accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      // Attempts on one account take turns: otherwise many concurrent guesses all pass the
      // lock-out check before the first failure is recorded, and the limit means nothing.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`login:${input.email}`}))`.execute(tx);
      if (await isLockedOut(deps, input.email, ip, tx)) {
        await verifyAgainstDummy(input.password);
        throw lockedOut(deps);
      }
      const user = await tx
        .selectFrom('users')
        .select(['id', 'password_hash', 'totp_enrolled_at', 'disabled_at'])
        .where('email', '=', input.email)
        .executeTakeFirst();
      const ok =
        user && !user.disabled_at
          ? await verifyPassword(user.password_hash, input.password)
          : (await verifyAgainstDummy(input.password), false);

      await tx.insertInto('login_attempts').values({ email: input.email, ip_address: ip, success: ok }).execute();
      if (!ok || !user) {
        await writeAudit(tx, {
          action: 'auth.login',
          outcome: 'denied',
          practiceId: null,
          userId: user?.id ?? null,
          dataCategory: 'account',
          requestId: meta.requestId,
          ipAddress: meta.ip,
        });
        return { ok: false as const };
      }
      if (previousSessionId) await revokeSession(tx, previousSessionId);
      const session = await createSession(tx, deps, user.id, meta);
      await writeAudit(tx, {
        action: 'auth.login',
        practiceId: null,
        userId: user.id,
        entityType: 'session',
        entityId: session.sessionId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      return {
        ok: true as const,
        session,
        stage: user.totp_enrolled_at ? ('totp_required' as const) : ('totp_enrolment_required' as const),
      };
    })
    .then((r) => {
      if (!r.ok) throw new AppError('invalid_credentials', GENERIC);
      return r;
    });
}

/** True when the account or the address has too many recent failures (login and 2FA alike). */
export async function isLockedOut(deps: AppDeps, email: string, ip: string, db: Kysely<DB> = accountDb(deps)): Promise<boolean> {
  const { config } = deps;
  const window = sql<Date>`now() - make_interval(mins => ${config.login.windowMinutes})`;
  const failures = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('login_attempts')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where('email', '=', email)
        .where('success', '=', false)
        .where('at', '>', window)
        .as('by_account'),
      eb
        .selectFrom('login_attempts')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where('ip_address', '=', ip)
        .where('success', '=', false)
        .where('at', '>', window)
        .as('by_address'),
    ])
    .executeTakeFirstOrThrow();
  return (
    Number(failures.by_account) >= config.login.maxFailuresPerAccount || Number(failures.by_address) >= config.login.maxFailuresPerAddress
  );
}

export function lockedOut(deps: AppDeps): AppError {
  return new AppError('rate_limited', `too many failed attempts; try again in ${deps.config.login.windowMinutes} minutes`);
}
