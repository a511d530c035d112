import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Tx } from '../../db/database.ts';
import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { enqueue, QUEUES } from '../../platform/jobs.ts';
import { enqueueEmail } from '../../platform/mail.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';

const RESET_VALID_MINUTES = 60;
/** Requests are kept this long: well past the hour they are counted in, then the addresses go. */
const REQUESTS_KEPT_HOURS = 24;

/**
 * Records a request for a reset link and leaves the rest to the `password.reset` job. The
 * account is not looked up here, so a known and an unknown address get the same answer in
 * the same time. Throws `rate_limited` when this source address asked too often.
 */
export async function requestPasswordReset(deps: AppDeps, email: string, meta: RequestMeta): Promise<void> {
  const { maxPerAddress, windowMinutes } = deps.config.passwordReset;
  const ip = meta.ip ?? 'unknown';
  await accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      // Requests from one address take turns, so a burst cannot pass the count all at once.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`password-reset:${ip}`}))`.execute(tx);
      const recent = await tx
        .selectFrom('password_reset_requests')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where('ip_address', '=', ip)
        .where('at', '>', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
        .executeTakeFirstOrThrow();
      if (Number(recent.n) >= maxPerAddress) {
        throw new AppError('rate_limited', `too many password-reset requests; try again in ${windowMinutes} minutes`);
      }
      const row = await tx
        .insertInto('password_reset_requests')
        .values({ email, ip_address: ip, request_id: meta.requestId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enqueue(tx, QUEUES.passwordReset, { requestId: row.id });
    });
}

/**
 * The `password.reset` job: for an active account under its limit (PASSWORD_RESET_MAX_PER_ACCOUNT
 * e-mails per hour) it revokes the account's open token, issues a new one and e-mails it.
 * Runs once per request row (a retried job finds it processed); jobs for one account take turns
 * on its row, and the database keeps at most one valid token per account.
 */
export async function processPasswordResetRequest(deps: AppDeps, requestId: string): Promise<void> {
  await accountDb(deps)
    .transaction()
    .execute(async (tx) => {
      const request = await tx
        .selectFrom('password_reset_requests')
        .select(['id', 'email', 'ip_address', 'request_id', 'processed_at'])
        .where('id', '=', requestId)
        .forUpdate()
        .executeTakeFirst();
      if (!request || request.processed_at) return;
      const outcome = await issueResetLink(deps, tx, request);
      await tx.updateTable('password_reset_requests').set({ processed_at: new Date(), outcome }).where('id', '=', request.id).execute();
    });
  await forgetOldRequests(deps);
}

/** Deletes a batch of requests past keeping (the address of someone without an account is not kept for long). */
async function forgetOldRequests(deps: AppDeps): Promise<void> {
  // SKIP LOCKED: jobs running side by side each take other rows instead of waiting on each other.
  await sql`
    DELETE FROM password_reset_requests WHERE id IN (
      SELECT id FROM password_reset_requests
       WHERE at < now() - make_interval(hours => ${REQUESTS_KEPT_HOURS}) AND processed_at IS NOT NULL
       LIMIT 100 FOR UPDATE SKIP LOCKED)`.execute(accountDb(deps));
}

async function issueResetLink(
  deps: AppDeps,
  tx: Tx,
  request: { email: string; ip_address: string; request_id: string | null },
): Promise<'sent' | 'limited' | 'no_account'> {
  const user = await tx
    .selectFrom('users')
    .select(['id', 'locale'])
    .where('email', '=', request.email)
    .where('disabled_at', 'is', null)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!user) return 'no_account';
  const audit = {
    practiceId: null,
    userId: user.id,
    dataCategory: 'account',
    requestId: request.request_id,
    ipAddress: request.ip_address,
  } as const;
  const { maxPerAccount, windowMinutes } = deps.config.passwordReset;
  const issued = await tx
    .selectFrom('password_resets')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('user_id', '=', user.id)
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
    .executeTakeFirstOrThrow();
  if (Number(issued.n) >= maxPerAccount) {
    await writeAudit(tx, { ...audit, action: 'auth.password_reset_requested', outcome: 'denied', reason: 'limit per account' });
    return 'limited';
  }
  await tx
    .updateTable('password_resets')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const token = newToken();
  await tx
    .insertInto('password_resets')
    .values({ user_id: user.id, token_hash: hashToken(token), expires_at: new Date(Date.now() + RESET_VALID_MINUTES * 60_000) })
    .execute();
  const link = `${deps.config.publicUrl}/reset-password?token=${token}`;
  const nl = user.locale === 'nl';
  await enqueueEmail(tx, deps.config, {
    to: request.email,
    subject: nl ? 'Calmdesk: nieuw wachtwoord instellen' : 'Calmdesk: reset your password',
    text: nl
      ? `Iemand (hopelijk u) vroeg een nieuw wachtwoord aan.\n\nStel het in via deze link (${RESET_VALID_MINUTES} minuten geldig):\n${link}\n\nVroeg u dit niet aan? Dan kunt u dit bericht negeren.`
      : `Someone (hopefully you) asked to reset your password.\n\nSet a new one with this link (valid for ${RESET_VALID_MINUTES} minutes):\n${link}\n\nDid not ask for this? Ignore this message.`,
  });
  await writeAudit(tx, { ...audit, action: 'auth.password_reset_requested' });
  return 'sent';
}

/**
 * Sets a new password with a reset token (single use) and signs out every session of the
 * account. Throws `token_invalid` for an unknown, used, replaced or expired token.
 */
export async function confirmPasswordReset(deps: AppDeps, token: string, password: string, meta: RequestMeta): Promise<void> {
  const db = accountDb(deps);
  await db.transaction().execute(async (tx) => {
    const reset = await tx
      .selectFrom('password_resets')
      .innerJoin('users', 'users.id', 'password_resets.user_id')
      .select([
        'password_resets.id',
        'password_resets.user_id',
        'password_resets.expires_at',
        'password_resets.used_at',
        'password_resets.revoked_at',
        'users.email',
      ])
      .where('password_resets.token_hash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!reset || reset.used_at || reset.revoked_at || reset.expires_at.getTime() < Date.now()) {
      throw AppError.field('body.token', 'this link is not valid or has expired; ask for a new one', 'token_invalid');
    }
    checkPasswordPolicy(password, reset.email);
    await tx
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), updated_at: new Date() })
      .where('id', '=', reset.user_id)
      .execute();
    await tx.updateTable('password_resets').set({ used_at: new Date() }).where('id', '=', reset.id).execute();
    await tx
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', reset.user_id)
      .where('revoked_at', 'is', null)
      .execute();
    await writeAudit(tx, {
      action: 'auth.password_reset',
      practiceId: null,
      userId: reset.user_id,
      dataCategory: 'account',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
  });
}

/** Starts the worker of the `password.reset` queue; a failed request is handed back to pg-boss for its retry. */
export async function startPasswordResets(boss: PgBoss, deps: AppDeps): Promise<void> {
  await boss.work<{ requestId: string }>(QUEUES.passwordReset, { pollingIntervalSeconds: 1, batchSize: 5 }, async (jobs) => {
    for (const job of jobs) {
      try {
        await processPasswordResetRequest(deps, job.data.requestId);
      } catch (err) {
        await boss.fail(QUEUES.passwordReset, job.id, { message: err instanceof Error ? err.message : String(err) });
      }
    }
  });
}
