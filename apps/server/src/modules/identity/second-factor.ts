import { sql } from 'kysely';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { isLockedOut, lockedOut } from './login.ts';
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

/** Confirms enrolment with a first code; the session becomes complete. Throws `invalid_totp_code`. */
export async function confirmTotpEnrolment(deps: AppDeps, auth: AuthState, code: string, meta: RequestMeta) {
  const db = accountDb(deps);
  return db.transaction().execute(async (tx) => {
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
    await writeAudit(tx, {
      action: 'auth.totp_enrolled',
      practiceId: null,
      userId: auth.userId,
      dataCategory: 'account',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
  });
}

/**
 * Verifies a TOTP code for this session: completes a login, or refreshes the step-up time.
 * A code (time step) already used is refused. Failures count toward the login lock-out.
 */
export async function verifySecondFactor(deps: AppDeps, auth: AuthState, code: string, meta: RequestMeta) {
  const db = accountDb(deps);
  const ok = await db.transaction().execute(async (tx) => {
    // Takes turns with sign-in attempts on the same account (see login), so concurrent
    // guesses cannot all pass the lock-out check before the first failure is recorded.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`login:${auth.email}`}))`.execute(tx);
    if (await isLockedOut(deps, auth.email, meta.ip ?? 'unknown', tx)) throw lockedOut(deps);
    const user = await tx
      .selectFrom('users')
      .select(['totp_secret_enc', 'totp_last_step', 'email'])
      .where('id', '=', auth.userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (!user.totp_secret_enc) throw new AppError('conflict', 'no second factor is set up yet');
    const step = matchTotp(deps.secrets.open(user.totp_secret_enc), code);
    const fresh = step !== null && (user.totp_last_step === null || step > Number(user.totp_last_step));
    if (!fresh) {
      await tx
        .insertInto('login_attempts')
        .values({ email: auth.email, ip_address: meta.ip ?? 'unknown', success: false })
        .execute();
      await writeAudit(tx, {
        action: 'auth.second_factor',
        outcome: 'denied',
        practiceId: null,
        userId: auth.userId,
        dataCategory: 'account',
        requestId: meta.requestId,
        ipAddress: meta.ip,
      });
      return false;
    }
    await tx
      .updateTable('users')
      .set({ totp_last_step: String(step) })
      .where('id', '=', auth.userId)
      .execute();
    await tx.updateTable('sessions').set({ stage: 'complete', second_factor_at: new Date() }).where('id', '=', auth.sessionId).execute();
    await writeAudit(tx, {
      action: 'auth.second_factor',
      practiceId: null,
      userId: auth.userId,
      dataCategory: 'account',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
    return true;
  });
  if (!ok) throw AppError.field('body.code', 'this code is not correct or was already used', 'invalid_totp_code');
}
