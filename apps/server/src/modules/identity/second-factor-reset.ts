import { writeAudit } from '../../platform/audit.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/mail.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';

/**
 * An owner resets a member's authenticator (owner, recent second factor; not their own): the
 * TOTP secret and the recovery codes are removed and every session of the member ends, so
 * at the next sign-in the member sets up an authenticator again (with their own password).
 * The member is told by e-mail, which carries no code or link. Logged in the practice's
 * chain (who reset whose membership) and in the account chain (the account's event).
 * Throws `not_found` (not a member of this practice), `forbidden`, `conflict` (inactive).
 */
export async function resetMemberSecondFactor(ctx: PracticeCtx, membershipId: string): Promise<{ ok: true }> {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  const member = await scoped(ctx)
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .innerJoin('practices', 'practices.id', 'memberships.practice_id')
    .select([
      'memberships.id',
      'memberships.user_id',
      'memberships.active',
      'users.email',
      'users.locale',
      'practices.name as practice_name',
    ])
    .where('memberships.id', '=', membershipId)
    .executeTakeFirst();
  if (!member) throw AppError.notFound('staff member');
  if (member.user_id === ctx.actor.userId) {
    throw new AppError('forbidden', 'you cannot reset your own authenticator; use a recovery code, or ask another owner');
  }
  if (!member.active) throw AppError.field('params.membershipId', 'this member is no longer active', 'conflict');

  const now = new Date();
  // Account tables (users, sessions, recovery codes) have no practice: the plain handle, by the member's id.
  await ctx.tx
    .updateTable('users')
    .set({ totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null, updated_at: now })
    .where('id', '=', member.user_id)
    .execute();
  await ctx.tx.deleteFrom('recovery_codes').where('user_id', '=', member.user_id).execute();
  await ctx.tx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', member.user_id)
    .where('revoked_at', 'is', null)
    .execute();

  await scoped(ctx).audit({
    action: 'staff.second_factor_reset',
    entityType: 'membership',
    entityId: membershipId,
    dataCategory: 'staff',
  });
  await writeAudit(ctx.tx, {
    action: 'auth.second_factor_reset',
    practiceId: null,
    userId: ctx.actor.userId,
    entityType: 'user',
    entityId: member.user_id,
    dataCategory: 'account',
    reason: `by an owner of practice ${ctx.practiceId}`,
    requestId: ctx.meta.requestId,
    ipAddress: ctx.meta.ip,
  });

  const nl = member.locale === 'nl';
  await enqueueEmail(ctx.tx, ctx.deps.config, {
    to: member.email,
    practiceId: ctx.practiceId,
    subject: nl ? 'Calmdesk: uw authenticator-app is gereset' : 'Calmdesk: your authenticator app was reset',
    text: nl
      ? `Een eigenaar van ${member.practice_name} heeft de authenticator-app (tweede stap bij het inloggen) van uw Calmdesk-account gereset. Uw herstelcodes werken niet meer en u bent overal uitgelogd.\n\nLog opnieuw in met uw e-mailadres en wachtwoord; daarna stelt u een authenticator-app opnieuw in.\n\nHeeft u hier niet om gevraagd? Neem dan contact op met uw praktijk.`
      : `An owner of ${member.practice_name} reset the authenticator app (the second step of signing in) of your Calmdesk account. Your recovery codes no longer work and you were signed out everywhere.\n\nSign in again with your e-mail address and password; you will then set up an authenticator app again.\n\nDid not ask for this? Contact your practice.`,
  });
  return { ok: true };
}
