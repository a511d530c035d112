import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ChangeLocaleBody,
  InvitationAcceptBody,
  InvitationPreview,
  InvitationTokenParams,
  LoginBody,
  LoginResponse,
  Me,
  Ok,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  RecoveryCodeBody,
  RecoveryCodes,
  RecoveryCodeStatus,
  RecoveryCodeUsed,
  SessionList,
  SessionParams,
  TotpCodeBody,
  TotpEnrolment,
  TotpEnrolmentConfirmed,
} from '@calmdesk/shared';
import { writeAudit } from '../../platform/audit.ts';
import { requestMeta, requireFullAuth, requireSession } from '../../platform/http.ts';
import { withErrors } from '../../platform/openapi.ts';
import { accountDb } from '../../platform/tenancy.ts';
import { acceptInvitation, previewInvitation } from './invitations.ts';
import { login } from './login.ts';
import { getMe, listSessions } from './me.ts';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.ts';
import { recoveryCodeStatus } from './recovery-codes.ts';
import {
  confirmTotpEnrolment,
  confirmTotpReplacement,
  regenerateRecoveryCodes,
  startTotpEnrolment,
  startTotpReplacement,
  verifyRecoveryCode,
  verifySecondFactor,
} from './second-factor.ts';
import { endOwnSession, revokeSession, SESSION_COOKIE } from './session-store.ts';

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number) {
  const mode = req.server.deps.config.session.cookieSecure;
  const secure = mode === 'always' || (mode === 'auto' && req.protocol === 'https');
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
}

/** Sign-in, second factor, own sessions, password reset and invitation acceptance. */
export const identityRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['identity'];
  const db = accountDb(app.deps);

  app.post(
    '/auth/login',
    { schema: { tags, summary: 'Sign in with e-mail and password', body: LoginBody, response: withErrors({ 200: LoginResponse }) } },
    async (req, reply) => {
      const result = await login(app.deps, req.body, requestMeta(req), req.auth?.sessionId ?? null);
      setSessionCookie(req, reply, result.session.token, app.deps.config.session.absoluteHours * 3600);
      return { stage: result.stage };
    },
  );

  app.post(
    '/auth/totp/enrolment',
    { schema: { tags, summary: 'Start setting up the authenticator app (QR code and key)', response: withErrors({ 200: TotpEnrolment }) } },
    async (req) => {
      return startTotpEnrolment(app.deps, requireSession(req));
    },
  );

  app.post(
    '/auth/totp/enrolment/confirm',
    {
      schema: {
        tags,
        summary: 'Finish setting up with a first code; answers the recovery codes, this once',
        body: TotpCodeBody,
        response: withErrors({ 200: TotpEnrolmentConfirmed }),
      },
    },
    async (req) => {
      const { recoveryCodes } = await confirmTotpEnrolment(app.deps, requireSession(req), req.body.code, requestMeta(req));
      return { ok: true as const, recoveryCodes };
    },
  );

  app.post(
    '/auth/totp/verify',
    {
      schema: {
        tags,
        summary: 'Enter a code: completes sign-in or confirms a sensitive action',
        body: TotpCodeBody,
        response: withErrors({ 200: Ok }),
      },
    },
    async (req) => {
      await verifySecondFactor(app.deps, requireSession(req), req.body.code, requestMeta(req));
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/recovery-code',
    {
      schema: {
        tags,
        summary: "Use a one-time recovery code instead of the app's code (lost phone)",
        body: RecoveryCodeBody,
        response: withErrors({ 200: RecoveryCodeUsed }),
      },
    },
    async (req) => {
      const { remaining } = await verifyRecoveryCode(app.deps, requireSession(req), req.body.code, requestMeta(req));
      return { ok: true as const, remaining };
    },
  );

  app.get(
    '/me/recovery-codes',
    { schema: { tags, summary: 'How many recovery codes are left', response: withErrors({ 200: RecoveryCodeStatus }) } },
    async (req) => {
      return recoveryCodeStatus(db, requireFullAuth(req).userId);
    },
  );

  app.post(
    '/me/recovery-codes',
    {
      schema: {
        tags,
        summary: 'Make a new set of recovery codes (recent 2FA); the old set stops working',
        response: withErrors({ 200: RecoveryCodes }),
      },
    },
    async (req) => {
      return regenerateRecoveryCodes(app.deps, requireFullAuth(req), requestMeta(req));
    },
  );

  app.post(
    '/me/authenticator',
    {
      schema: {
        tags,
        summary: 'Start replacing the authenticator app, e.g. after a lost phone (recent 2FA; QR code and key)',
        response: withErrors({ 200: TotpEnrolment }),
      },
    },
    async (req) => {
      return startTotpReplacement(app.deps, requireFullAuth(req));
    },
  );

  app.post(
    '/me/authenticator/confirm',
    {
      schema: {
        tags,
        summary: 'Finish replacing the authenticator app with a first code from the new app',
        body: TotpCodeBody,
        response: withErrors({ 200: Ok }),
      },
    },
    async (req) => {
      await confirmTotpReplacement(app.deps, requireFullAuth(req), req.body.code, requestMeta(req));
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags, summary: 'Sign out (the cookie stops working)', response: withErrors({ 200: Ok }) } },
    async (req, reply) => {
      const auth = requireSession(req);
      await db.transaction().execute(async (tx) => {
        await revokeSession(tx, auth.sessionId);
        await writeAudit(tx, {
          action: 'auth.logout',
          practiceId: null,
          userId: auth.userId,
          dataCategory: 'account',
          requestId: req.id,
          ipAddress: req.ip,
        });
      });
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      schema: {
        tags,
        summary: 'Ask for a password-reset link by e-mail',
        description:
          'Answers 202 for any address, known or not; a background job sends the link (at most PASSWORD_RESET_MAX_PER_ACCOUNT per account per hour, a new link revoking the previous one). 429 after PASSWORD_RESET_MAX_PER_ADDRESS requests per hour from one source address.',
        body: PasswordResetRequestBody,
        response: withErrors({ 202: Ok }),
      },
    },
    async (req, reply) => {
      await requestPasswordReset(app.deps, req.body.email, requestMeta(req));
      return reply.status(202).send({ ok: true as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags,
        summary: 'Set a new password with the e-mailed token',
        body: PasswordResetConfirmBody,
        response: withErrors({ 200: Ok }),
      },
    },
    async (req) => {
      await confirmPasswordReset(app.deps, req.body.token, req.body.password, requestMeta(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/me',
    { schema: { tags, summary: 'The signed-in account and its practices', response: withErrors({ 200: Me }) } },
    async (req) => {
      return getMe(db, requireSession(req));
    },
  );

  app.patch(
    '/me',
    { schema: { tags, summary: 'Change own preferences (language)', body: ChangeLocaleBody, response: withErrors({ 200: Ok }) } },
    async (req) => {
      const auth = requireFullAuth(req);
      await db.updateTable('users').set({ locale: req.body.locale, updated_at: new Date() }).where('id', '=', auth.userId).execute();
      return { ok: true as const };
    },
  );

  app.get('/me/sessions', { schema: { tags, summary: 'Own active sessions', response: withErrors({ 200: SessionList }) } }, async (req) => {
    return listSessions(db, requireFullAuth(req));
  });

  app.delete(
    '/me/sessions/:sessionId',
    { schema: { tags, summary: 'Revoke one of own sessions', params: SessionParams, response: withErrors({ 200: Ok }) } },
    async (req) => {
      await endOwnSession(db, requireFullAuth(req), req.params.sessionId, requestMeta(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/invitations/:token',
    {
      schema: {
        tags,
        summary: 'What an invitation link offers',
        params: InvitationTokenParams,
        response: withErrors({ 200: InvitationPreview }),
      },
    },
    async (req) => {
      return previewInvitation(app.deps, req.params.token);
    },
  );

  app.post(
    '/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation (creating the account if new)',
        params: InvitationTokenParams,
        body: InvitationAcceptBody,
        response: withErrors({ 200: Ok }),
      },
    },
    async (req) => {
      await acceptInvitation(app.deps, req.params.token, req.body, req.auth, requestMeta(req));
      return { ok: true as const };
    },
  );
};
