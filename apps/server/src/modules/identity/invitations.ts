import { sql } from 'kysely';
import type { Role } from '@calmdesk/shared';
import type { AppDeps, PracticeCtx, RequestMeta } from '../../platform/context.ts';
import { writeAudit } from '../../platform/audit.ts';
import { hashToken, newToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/mail.ts';
import { accountDb, requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import type { AuthState } from './session-store.ts';

const INVITATION_VALID_DAYS = 7;

function presentInvitation(r: {
  id: string;
  email: string;
  roles: string[];
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}) {
  return {
    id: r.id,
    email: r.email,
    roles: r.roles as Role[],
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    acceptedAt: r.accepted_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/**
 * Invites a colleague by e-mail link into this practice with roles (owner, recent 2FA). A new
 * invitation to the same address replaces the open one (its link stops working). Whether the
 * address has an account is not looked up: the answer is the same either way. Throws
 * `forbidden`, `step_up_required`, `conflict` (already a member) or `rate_limited`
 * (INVITATION_MAX_PER_PRACTICE in all or INVITATION_MAX_PER_ADDRESS to one address per hour).
 */
export async function createInvitation(ctx: PracticeCtx, input: { email: string; roles: Role[] }) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  const db = scoped(ctx);
  // A practice's invitations take turns, so a burst cannot pass the limits all at once.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`invitations:${ctx.practiceId}`}))`.execute(ctx.tx);
  const member = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('memberships.id')
    .where('users.email', '=', input.email)
    .executeTakeFirst();
  if (member) throw AppError.field('body.email', 'this person is already a member of the practice', 'conflict');
  await checkInvitationLimits(ctx, input.email);
  const revoked = await db
    .updateTable('invitations')
    .set({ revoked_at: new Date() })
    .where('email', '=', input.email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  const token = newToken();
  const row = await db
    .insertInto('invitations', [
      {
        email: input.email,
        roles: [...new Set(input.roles)],
        token_hash: hashToken(token),
        invited_by: ctx.actor.userId,
        expires_at: new Date(Date.now() + INVITATION_VALID_DAYS * 86_400_000),
      },
    ])
    .returning(['id', 'email', 'roles', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  const practice = await ctx.tx
    .selectFrom('practices')
    .select(['name', 'locale'])
    .where('id', '=', ctx.practiceId)
    .executeTakeFirstOrThrow();
  const link = `${ctx.deps.config.publicUrl}/invitation?token=${token}`;
  const nl = practice.locale === 'nl';
  await enqueueEmail(ctx.tx, ctx.deps.config, {
    to: input.email,
    practiceId: ctx.practiceId,
    subject: nl ? `Uitnodiging voor ${practice.name} in Calmdesk` : `Invitation to ${practice.name} on Calmdesk`,
    text: nl
      ? `U bent uitgenodigd voor ${practice.name} in Calmdesk.\n\nAccepteer via deze link (${INVITATION_VALID_DAYS} dagen geldig):\n${link}`
      : `You are invited to join ${practice.name} on Calmdesk.\n\nAccept with this link (valid for ${INVITATION_VALID_DAYS} days):\n${link}`,
  });
  await db.audit({
    action: 'staff.invite',
    entityType: 'invitation',
    entityId: row.id,
    dataCategory: 'staff',
    ...(revoked.length > 0 && { reason: `replaces invitation ${revoked.map((r) => r.id).join(', ')}` }),
  });
  return presentInvitation(row);
}

async function checkInvitationLimits(ctx: PracticeCtx, email: string): Promise<void> {
  const { maxPerPractice, maxPerAddress, windowMinutes } = ctx.deps.config.invitations;
  const counts = await scoped(ctx)
    .selectFrom('invitations')
    .select((e) => [e.fn.countAll<string>().as('all'), e.fn.count<string>('id').filterWhere('email', '=', email).as('to_address')])
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
    .executeTakeFirstOrThrow();
  if (Number(counts.all) >= maxPerPractice) {
    throw new AppError(
      'rate_limited',
      `this practice sent ${maxPerPractice} invitations in the last ${windowMinutes} minutes; try again later`,
    );
  }
  if (Number(counts.to_address) >= maxPerAddress) {
    throw AppError.field(
      'body.email',
      `this address was invited ${maxPerAddress} times in the last ${windowMinutes} minutes; try again later`,
      'rate_limited',
    );
  }
}

export async function listInvitations(ctx: PracticeCtx) {
  requireRole(ctx, 'owner');
  const rows = await scoped(ctx)
    .selectFrom('invitations')
    .select(['id', 'email', 'roles', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  await scoped(ctx).audit({ action: 'staff.invitations.list', entityType: 'invitation', dataCategory: 'staff' });
  return { items: rows.map(presentInvitation) };
}

async function openInvitation(deps: AppDeps, token: string) {
  const db = accountDb(deps);
  const inv = await db
    .selectFrom('invitations')
    .innerJoin('practices', 'practices.id', 'invitations.practice_id')
    .select([
      'invitations.id',
      'invitations.practice_id',
      'invitations.email',
      'invitations.roles',
      'invitations.expires_at',
      'invitations.accepted_at',
      'invitations.revoked_at',
      'practices.name as practice_name',
    ])
    .where('invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!inv || inv.accepted_at || inv.revoked_at)
    throw AppError.field('params.token', 'this invitation link is not valid or was already used', 'token_invalid');
  if (inv.expires_at.getTime() < Date.now())
    throw new AppError('invitation_expired', 'this invitation has expired; ask the practice for a new one');
  return inv;
}

/** What the invitation page shows before accepting. */
export async function previewInvitation(deps: AppDeps, token: string) {
  const db = accountDb(deps);
  const inv = await openInvitation(deps, token);
  const user = await db.selectFrom('users').select('id').where('email', '=', inv.email).executeTakeFirst();
  return { practiceName: inv.practice_name, email: inv.email, roles: inv.roles as Role[], accountExists: Boolean(user) };
}

/**
 * Accepts an invitation: a new person chooses name and password (an account is created);
 * a person with an account must be signed in as that account. Throws `token_invalid`,
 * `invitation_expired`, `unauthenticated` or `validation_failed`.
 */
export async function acceptInvitation(
  deps: AppDeps,
  token: string,
  input: { name?: string; password?: string },
  auth: AuthState | null,
  meta: RequestMeta,
) {
  const db = accountDb(deps);
  await db.transaction().execute(async (tx) => {
    const inv = await openInvitation(deps, token);
    // A concurrent acceptance or a newer invitation to the same address (which revokes this
    // one) holds the row until it commits; what it decided is read here.
    const locked = await tx
      .selectFrom('invitations')
      .select(['accepted_at', 'revoked_at'])
      .where('id', '=', inv.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.accepted_at || locked.revoked_at) throw AppError.field('params.token', 'this invitation was already used', 'token_invalid');
    let userId: string;
    const existing = await tx.selectFrom('users').select('id').where('email', '=', inv.email).executeTakeFirst();
    if (existing) {
      if (!auth || auth.userId !== existing.id || auth.stage !== 'complete') {
        throw new AppError('unauthenticated', `sign in as ${inv.email} to accept this invitation`);
      }
      userId = existing.id;
    } else {
      const fields = [];
      if (!input.name) fields.push({ path: 'body.name', message: 'name is required for a new account' });
      if (!input.password) fields.push({ path: 'body.password', message: 'password is required for a new account' });
      if (fields.length) throw new AppError('validation_failed', 'name and password are required', fields);
      checkPasswordPolicy(input.password ?? '', inv.email);
      const user = await tx
        .insertInto('users')
        .values({ email: inv.email, name: input.name ?? '', password_hash: await hashPassword(input.password ?? '') })
        .returning('id')
        .executeTakeFirstOrThrow();
      userId = user.id;
    }
    const membership = await tx
      .insertInto('memberships')
      .values({ practice_id: inv.practice_id, user_id: userId, roles: inv.roles })
      .onConflict((oc) => oc.columns(['practice_id', 'user_id']).doUpdateSet({ roles: inv.roles, active: true, updated_at: new Date() }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('invitations').set({ accepted_at: new Date() }).where('id', '=', inv.id).execute();
    await writeAudit(tx, {
      action: 'staff.invitation_accepted',
      practiceId: inv.practice_id,
      userId,
      entityType: 'membership',
      entityId: membership.id,
      dataCategory: 'staff',
      requestId: meta.requestId,
      ipAddress: meta.ip,
    });
  });
}
