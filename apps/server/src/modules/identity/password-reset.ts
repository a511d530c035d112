import type { AppDeps, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { enqueueEmail } from '../../platform/mail.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';

const RESET_VALID_MINUTES = 60;

/** Sends a reset link when the account exists; answers the same either way. */
export async function requestPasswordReset(deps: AppDeps, email: string, meta: RequestMeta): Promise<void> {
  const db = accountDb(deps);
  await db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'locale'])
      .where('email', '=', email)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (!user) return;
    const token = newToken();
    await tx
      .insertInto('password_resets')
      .values({ user_id: user.id, token_hash: hashToken(token), expires_at: new Date(Date.now() + RESET_VALID_MINUTES * 60_000) })
      .execute();
    const link = `${deps.config.publicUrl}/reset-password?token=${token}`;
    const nl = user.locale === 'nl';
    await enqueueEmail(tx, deps.config, {
      to: email,
      subject: nl ? 'Calmdesk: nieuw wachtwoord instellen' : 'Calmdesk: reset your password',
      text: nl
        ? `Iemand (hopelijk u) vroeg een nieuw wachtwoord aan.\n\nStel het in via deze link (${RESET_VALID_MINUTES} minuten geldig):\n${link}\n\nVroeg u dit niet aan? Dan kunt u dit bericht negeren.`
        : `Someone (hopefully you) asked to reset your password.\n\nSet a new one with this link (valid for ${RESET_VALID_MINUTES} minutes):\n${link}\n\nDid not ask for this? Ignore this message.`,
    });
    await writeAudit(tx, {
      action: 'auth.password_reset_requested',
      practiceId: null,
      userId: user.id,
      dataCategory: 'account',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
  });
}

/**
 * Sets a new password with a reset token (single use) and signs out every session of the
 * account. Throws `token_invalid` for an unknown, used or expired token.
 */
export async function confirmPasswordReset(deps: AppDeps, token: string, password: string, meta: RequestMeta): Promise<void> {
  const db = accountDb(deps);
  await db.transaction().execute(async (tx) => {
    const reset = await tx
      .selectFrom('password_resets')
      .innerJoin('users', 'users.id', 'password_resets.user_id')
      .select(['password_resets.id', 'password_resets.user_id', 'password_resets.expires_at', 'password_resets.used_at', 'users.email'])
      .where('password_resets.token_hash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!reset || reset.used_at || reset.expires_at.getTime() < Date.now()) {
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
