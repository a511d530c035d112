import { z } from 'zod';
import { ROLES } from '../roles.ts';
import { Email, Name, Uuid } from './common.ts';

export const Password = z.string().min(12, 'password must be at least 12 characters').max(256, 'password must be at most 256 characters');

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(256) });
export const LoginStage = z.enum(['totp_required', 'totp_enrolment_required', 'complete']);
export const LoginResponse = z.object({ stage: LoginStage });

export const TotpCodeBody = z.strictObject({
  code: z.string().regex(/^\d{6}$/, 'code must be 6 digits'),
});
/** A recovery code as typed: case, spaces and dashes do not matter (`K7QM 2XHW 9TPE`). */
export const RecoveryCodeBody = z.strictObject({
  code: z
    .string()
    .trim()
    .min(12, 'a recovery code has 12 letters and digits')
    .max(32, 'a recovery code has 12 letters and digits')
    .meta({ examples: ['k7qm-2xhw-9tpe'] }),
});
export const RecoveryCodeUsed = z.object({ ok: z.literal(true), remaining: z.number().int().min(0) });
/** The recovery codes, shown this once (only their hashes are kept). */
export const RecoveryCodes = z.object({ codes: z.array(z.string()), remaining: z.number().int().min(0) });
export const RecoveryCodeStatus = z.object({
  remaining: z.number().int().min(0),
  /** When the current set was made; null when the account has none. */
  createdAt: z.string().nullable(),
});
export const TotpEnrolmentConfirmed = z.object({ ok: z.literal(true), recoveryCodes: z.array(z.string()) });

export const TotpEnrolment = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrSvg: z.string(),
});

export const Membership = z.object({
  practiceId: Uuid,
  practiceName: z.string(),
  roles: z.array(z.enum(ROLES)),
  membershipId: Uuid,
  /** The practice's IANA time zone: its "today" and wall-clock times. */
  timeZone: z.string(),
});
export const Me = z
  .object({
    id: Uuid,
    email: z.string(),
    name: z.string(),
    locale: z.enum(['en', 'nl']),
    totpEnrolled: z.boolean(),
    stage: LoginStage,
    secondFactorAt: z.string().nullable(),
    memberships: z.array(Membership),
  })
  .meta({ id: 'Me' });

export const SessionInfo = z.object({
  id: Uuid,
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export const SessionList = z.object({ items: z.array(SessionInfo) });
export const SessionParams = z.strictObject({ sessionId: Uuid });

export const PasswordResetRequestBody = z.strictObject({ email: Email });
export const PasswordResetConfirmBody = z.strictObject({
  token: z.string().min(20).max(200),
  password: Password,
});
export const ChangeLocaleBody = z.strictObject({ locale: z.enum(['en', 'nl']) });

export const InvitationCreateBody = z.strictObject({
  email: Email,
  roles: z.array(z.enum(ROLES)).min(1).max(4),
});
export const Invitation = z.object({
  id: Uuid,
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  createdAt: z.string(),
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  /** When a newer invitation to the same address replaced this one. */
  revokedAt: z.string().nullable(),
});
export const InvitationList = z.object({ items: z.array(Invitation) });
export const InvitationTokenParams = z.strictObject({ token: z.string().min(20).max(200) });
export const InvitationPreview = z.object({
  practiceName: z.string(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  accountExists: z.boolean(),
});
export const InvitationAcceptBody = z.strictObject({
  name: Name.optional(),
  password: Password.optional(),
});
