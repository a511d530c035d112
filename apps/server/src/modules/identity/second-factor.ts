import { sql } from 'kysely';
import type { Tx } from '../../db/database.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { enqueueEmail } from '../../platform/mail.ts';
import { isLockedOut, lockedOut } from './login.ts';
import { recoveryCodeStatus, replaceRecoveryCodes, spendRecoveryCode } from './recovery-codes.ts';
import type { AuthState } from './session-store.ts';
import { enrolmentMaterial, matchTotp, newTotpSecret } from './totp.ts';

/**
 * Starts TOTP enrolment for an account that has none: a new secret is kept (encrypted) on
 * the session until a code proves the app has it. Throws `conflict` when already enrolled.
 */
export async function startTotpEnrolment(deps: AppDeps, auth: AuthState) {
  const db = accountDb(deps);
  if (auth.totpEnrolled) throw new AppError('conflict', 'a second factor is already set up for this account');
  const secret = newTotpSecret();
  await db
    .updateTable('sessions')
    .set({ pending_totp_secret_enc: deps.secrets.seal(secret) })
    .where('id', '=', auth.sessionId)
    .execute();
  return enrolmentMaterial(secret, auth.email);
}

/**
 * Confirms enrolment with a first code; the session becomes complete. Makes the account's
 * recovery codes (replacing any earlier set) and returns them: the only time they are shown.
 * Throws `invalid_totp_code`.
 */
export async function confirmTotpEnrolment(
  deps: AppDeps,
  auth: AuthState,
  code: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  return accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      const session = await tx
        .selectFrom('sessions')
        .select('pending_totp_secret_enc')
        .where('id', '=', auth.sessionId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (!session.pending_totp_secret_enc) throw new AppError('conflict', 'start the set-up first');
      const secret = deps.secrets.open(session.pending_totp_secret_enc);
      const step = matchTotp(secret, code);
      if (step === null) throw AppError.field('body.code', 'this code is not correct; check the time on your phone', 'invalid_totp_code');
      const updated = await tx
        .updateTable('users')
        .set({
          totp_secret_enc: session.pending_totp_secret_enc,
          totp_enrolled_at: new Date(),
          totp_last_step: String(step),
          updated_at: new Date(),
        })
        .where('id', '=', auth.userId)
        .where('totp_enrolled_at', 'is', null)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new AppError('conflict', 'a second factor is already set up for this account');
      await tx
        .updateTable('sessions')
        .set({ stage: 'complete', second_factor_at: new Date(), pending_totp_secret_enc: null })
        .where('id', '=', auth.sessionId)
        .execute();
      const recoveryCodes = await replaceRecoveryCodes(tx, auth.userId);
      await writeAudit(tx, {
        action: 'auth.totp_enrolled',
        practiceId: null,
        userId: auth.userId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      return { recoveryCodes };
    });
}

/**
 * Starts replacing the authenticator app of an enrolled account (recent second factor: after
 * a lost phone, a sign-in with a recovery code gives one). Like enrolment, the new secret
 * waits on the session until a code from the new app proves it; the old app works until then.
 */
export async function startTotpReplacement(deps: AppDeps, auth: AuthState) {
  requireRecentSecondFactor(deps, auth);
  if (!auth.totpEnrolled) throw new AppError('conflict', 'no second factor is set up yet');
  const secret = newTotpSecret();
  await accountDb(deps)
    .updateTable('sessions')
    .set({ pending_totp_secret_enc: deps.secrets.seal(secret) })
    .where('id', '=', auth.sessionId)
    .execute();
  return enrolmentMaterial(secret, auth.email);
}

/**
 * Finishes the replacement with a first code of the new app: the old app stops working. The
 * recovery codes stay as they are. The account holder is told by e-mail. Throws
 * `invalid_totp_code`, `conflict` (not started on this session).
 */
export async function confirmTotpReplacement(deps: AppDeps, auth: AuthState, code: string, meta: RequestMeta): Promise<void> {
  await accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      const session = await tx
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.pending_totp_secret_enc', 'users.totp_enrolled_at', 'users.locale'])
        .where('sessions.id', '=', auth.sessionId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (!session.pending_totp_secret_enc || !session.totp_enrolled_at)
        throw new AppError('conflict', 'start setting up the new app first');
      const step = matchTotp(deps.secrets.open(session.pending_totp_secret_enc), code);
      if (step === null) throw AppError.field('body.code', 'this code is not correct; check the time on your phone', 'invalid_totp_code');
      const now = new Date();
      await tx
        .updateTable('users')
        .set({ totp_secret_enc: session.pending_totp_secret_enc, totp_enrolled_at: now, totp_last_step: String(step), updated_at: now })
        .where('id', '=', auth.userId)
        .execute();
      await tx
        .updateTable('sessions')
        .set({ second_factor_at: now, pending_totp_secret_enc: null })
        .where('id', '=', auth.sessionId)
        .execute();
      await writeAudit(tx, {
        action: 'auth.totp_replaced',
        practiceId: null,
        userId: auth.userId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      const nl = session.locale === 'nl';
      await enqueueEmail(tx, deps.config, {
        to: auth.email,
        subject: nl ? 'Calmdesk: nieuwe authenticator-app ingesteld' : 'Calmdesk: a new authenticator app was set up',
        text: nl
          ? 'Er is zojuist een nieuwe authenticator-app ingesteld voor uw Calmdesk-account; de vorige werkt niet meer.\n\nWas u dit niet? Neem dan direct contact op met uw praktijk.'
          : 'A new authenticator app was just set up for your Calmdesk account; the previous one no longer works.\n\nWas this not you? Contact your practice at once.',
      });
    });
}

/**
 * Verifies a TOTP code for this session: completes a login, or refreshes the step-up time.
 * A code (time step) already used is refused. Failures count toward the login lock-out.
 */
export async function verifySecondFactor(deps: AppDeps, auth: AuthState, code: string, meta: RequestMeta): Promise<void> {
  const ok = await checkSecondFactor(deps, auth, meta, 'auth.second_factor', async (tx, user) => {
    const step = matchTotp(deps.secrets.open(user.totp_secret_enc), code);
    const fresh = step !== null && (user.totp_last_step === null || step > Number(user.totp_last_step));
    if (!fresh) return false;
    await tx
      .updateTable('users')
      .set({ totp_last_step: String(step) })
      .where('id', '=', auth.userId)
      .execute();
    return true;
  });
  if (!ok) throw AppError.field('body.code', 'this code is not correct or was already used', 'invalid_totp_code');
}

/**
 * Uses a recovery code instead of the app's code: completes a login (or refreshes the step-up
 * time) exactly as a TOTP code does, and a wrong one counts toward the same lock-out. The
 * code is spent; the account holder is told by e-mail. Returns how many codes are left.
 */
export async function verifyRecoveryCode(deps: AppDeps, auth: AuthState, code: string, meta: RequestMeta): Promise<{ remaining: number }> {
  let remaining = 0;
  const ok = await checkSecondFactor(deps, auth, meta, 'auth.recovery_code', async (tx, user) => {
    if (!(await spendRecoveryCode(tx, auth.userId, code))) return false;
    remaining = (await recoveryCodeStatus(tx, auth.userId)).remaining;
    const nl = user.locale === 'nl';
    await enqueueEmail(tx, deps.config, {
      to: user.email,
      subject: nl ? 'Calmdesk: er is een herstelcode gebruikt' : 'Calmdesk: a recovery code was used',
      text: nl
        ? `Er is zojuist met een herstelcode ingelogd op uw Calmdesk-account. U heeft nog ${remaining} herstelcode(s).

Bent u uw authenticator-app kwijt? Stel op de pagina Inlogbeveiliging een nieuwe in (binnen ${deps.config.session.stepUpMinutes} minuten na dit inloggen) en maak daar nieuwe herstelcodes aan.

Was u dit niet? Neem dan direct contact op met uw praktijk.`
        : `Someone just signed in to your Calmdesk account with a recovery code. You have ${remaining} recovery code(s) left.

Lost your authenticator app? Set up a new one on the Sign-in security page (within ${deps.config.session.stepUpMinutes} minutes of this sign-in), and make new recovery codes there.

Was this not you? Contact your practice at once.`,
    });
    return true;
  });
  if (!ok) throw AppError.field('body.code', 'this recovery code is not correct or was already used', 'invalid_recovery_code');
  return { remaining };
}

type SecondFactorUser = { totp_secret_enc: string; totp_last_step: string | null; email: string; locale: 'en' | 'nl' };

/**
 * The frame of every second-factor check: attempts on one account take turns with sign-in
 * attempts (see login), a locked-out account or address is refused before anything is
 * checked, a failure is recorded toward the lock-out and in the access log, and a success
 * completes the session (or refreshes its step-up time) and is logged as `action`.
 */
async function checkSecondFactor(
  deps: AppDeps,
  auth: AuthState,
  meta: RequestMeta,
  action: string,
  check: (tx: Tx, user: SecondFactorUser) => Promise<boolean>,
): Promise<boolean> {
  return accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      // Takes turns with sign-in attempts on the same account (see login), so concurrent
      // guesses cannot all pass the lock-out check before the first failure is recorded.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`login:${auth.email}`}))`.execute(tx);
      if (await isLockedOut(deps, auth.email, meta.ip ?? 'unknown', tx)) throw lockedOut(deps);
      const user = await tx
        .selectFrom('users')
        .select(['totp_secret_enc', 'totp_last_step', 'email', 'locale'])
        .where('id', '=', auth.userId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const { totp_secret_enc } = user;
      if (!totp_secret_enc) throw new AppError('conflict', 'no second factor is set up yet');
      const ok = await check(tx, { ...user, totp_secret_enc });
      if (!ok) {
        await tx
          .insertInto('login_attempts')
          .values({ email: auth.email, ip_address: meta.ip ?? 'unknown', success: false })
          .execute();
      } else {
        await tx
          .updateTable('sessions')
          .set({ stage: 'complete', second_factor_at: new Date() })
          .where('id', '=', auth.sessionId)
          .execute();
      }
      await writeAudit(tx, {
        action,
        ...(ok ? {} : { outcome: 'denied' as const }),
        practiceId: null,
        userId: auth.userId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      return ok;
    });
}

/** Throws `step_up_required` unless this session confirmed a second factor recently (account-level actions). */
export function requireRecentSecondFactor(deps: AppDeps, auth: AuthState): void {
  const at = auth.secondFactorAt;
  const limit = deps.config.session.stepUpMinutes * 60_000;
  if (!at || Date.now() - at.getTime() > limit) {
    throw new AppError('step_up_required', `confirm your second factor (within ${deps.config.session.stepUpMinutes} minutes) to do this`);
  }
}

/** A new set of recovery codes (recent second factor); the old set stops working. Shown once. */
export async function regenerateRecoveryCodes(deps: AppDeps, auth: AuthState, meta: RequestMeta) {
  requireRecentSecondFactor(deps, auth);
  if (!auth.totpEnrolled) throw new AppError('conflict', 'no second factor is set up yet');
  return accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      const codes = await replaceRecoveryCodes(tx, auth.userId);
      await writeAudit(tx, {
        action: 'auth.recovery_codes_regenerated',
        practiceId: null,
        userId: auth.userId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      return { codes, remaining: codes.length };
    });
}
