import { z } from 'zod';
import { BSN_MESSAGES, checkBsn } from '../bsn.ts';
import { MODES } from '../roles.ts';
import { AgbCode, Name, nonEmpty, ShortText, Uuid, YEAR_RANGE_MESSAGE, yearInRange } from './common.ts';

export const CLIENT_STATUSES = ['registered', 'intake', 'in_treatment', 'discharged'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** Allowed status changes; a returning client goes from discharged back to intake. */
export const CLIENT_STATUS_FLOW: Record<ClientStatus, ClientStatus[]> = {
  registered: ['intake', 'discharged'],
  intake: ['in_treatment', 'discharged'],
  in_treatment: ['discharged'],
  discharged: ['intake'],
};

/** A calendar date `YYYY-MM-DD` that exists (no 31-02). */
const ExistingDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD', abort: true })
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    },
    { message: 'this date does not exist', abort: true },
  );
/** A calendar date `YYYY-MM-DD` that exists, in the years MIN_YEAR–MAX_YEAR. */
export const CalendarDate = ExistingDate.refine(yearInRange, { message: YEAR_RANGE_MESSAGE, abort: true });

/** Its own range: not in the future, at most 130 years back. */
const DateOfBirth = ExistingDate.refine((s) => s <= new Date().toISOString().slice(0, 10), 'date of birth is in the future').refine(
  (s) => Number(s.slice(0, 4)) >= new Date().getUTCFullYear() - 130,
  'date of birth is more than 130 years ago',
);

export const Bsn = z
  .string()
  .max(20)
  .transform((value, ctx) => {
    const r = checkBsn(value);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: BSN_MESSAGES[r.reason] });
      return z.NEVER;
    }
    return r.bsn;
  });

export const BSN_VERIFICATIONS = ['none', 'id_document', 'sbv_z', 'referral_letter', 'other'] as const;
export const DOCUMENT_LABELS = ['referral_letter', 'consent', 'letter_sent', 'letter_received', 'identity', 'other'] as const;
export const CONSENT_KINDS = ['onlineTreatment', 'shareWithGp', 'remindersSms', 'remindersEmail'] as const;

const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,20}$/, 'phone number may hold digits, spaces, ( ) - and a leading +');

export const ClientAddress = z
  .strictObject({
    street: ShortText.min(1),
    houseNumber: z.string().trim().min(1).max(20),
    postalCode: z.string().trim().max(16),
    city: ShortText.min(1),
    country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166 alpha-2 code'),
  })
  .refine((a) => a.country !== 'NL' || /^[1-9]\d{3} ?[A-Z]{2}$/.test(a.postalCode), {
    message: 'a Dutch postal code looks like 1234 AB',
    path: ['postalCode'],
  });

export const Consent = z.strictObject({
  given: z.boolean(),
  date: CalendarDate,
  source: z.enum(['verbal', 'written', 'portal', 'referral', 'other']),
});

const ClientFields = {
  firstName: Name,
  namePrefix: z.string().trim().max(20).nullable().optional(),
  lastName: Name,
  dateOfBirth: DateOfBirth,
  gender: z.enum(['female', 'male', 'other', 'unknown']).optional(),
  bsn: Bsn.nullable().optional(),
  bsnVerification: z.enum(BSN_VERIFICATIONS).optional(),
  email: z.email().max(254).nullable().optional(),
  phone: Phone.nullable().optional(),
  address: ClientAddress.nullable().optional(),
  insurerUzovi: z
    .string()
    .regex(/^\d{4}$/, 'UZOVI code must be 4 digits')
    .nullable()
    .optional(),
  policyNumber: z.string().trim().max(40).nullable().optional(),
  gp: z
    .strictObject({ name: Name, practiceName: ShortText.nullable().optional(), agbCode: AgbCode.nullable().optional() })
    .nullable()
    .optional(),
  emergencyContact: z.strictObject({ name: Name, relation: ShortText.nullable().optional(), phone: Phone }).nullable().optional(),
  communication: z
    .strictObject({ channel: z.enum(['email', 'sms', 'post', 'phone']).optional(), language: z.enum(['nl', 'en']).optional() })
    .optional(),
  preferredMode: z.enum(MODES).nullable().optional(),
  consents: z
    .strictObject(
      Object.fromEntries(CONSENT_KINDS.map((k) => [k, Consent.optional()])) as Record<
        (typeof CONSENT_KINDS)[number],
        z.ZodOptional<typeof Consent>
      >,
    )
    .optional(),
};

export const ClientCreateBody = z.strictObject({
  ...ClientFields,
  /** Register even when a possible duplicate exists (after the user saw the warning). */
  confirmNotDuplicate: z.boolean().optional(),
});
export const ClientPatch = nonEmpty(z.strictObject({ ...partialOf(ClientFields), status: z.enum(CLIENT_STATUSES).optional() }));

function partialOf<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };
}

const Nullable = <T extends z.ZodType>(t: T) => t.nullable();
export const Client = z
  .object({
    id: Uuid,
    clientNumber: z.string(),
    firstName: z.string(),
    namePrefix: z.string().nullable(),
    lastName: z.string(),
    displayName: z.string(),
    dateOfBirth: z.string(),
    gender: z.enum(['female', 'male', 'other', 'unknown']),
    bsn: z.string().nullable(),
    bsnVerification: z.enum(BSN_VERIFICATIONS),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: Nullable(
      z.object({ street: z.string(), houseNumber: z.string(), postalCode: z.string(), city: z.string(), country: z.string() }),
    ),
    insurerUzovi: z.string().nullable(),
    policyNumber: z.string().nullable(),
    gp: Nullable(z.object({ name: z.string(), practiceName: z.string().nullable(), agbCode: z.string().nullable() })),
    emergencyContact: Nullable(z.object({ name: z.string(), relation: z.string().nullable(), phone: z.string() })),
    communication: z.object({ channel: z.enum(['email', 'sms', 'post', 'phone']).optional(), language: z.enum(['nl', 'en']).optional() }),
    preferredMode: z.enum(MODES).nullable(),
    consents: z.record(z.string(), z.object({ given: z.boolean(), date: z.string(), source: z.string() })),
    status: z.enum(CLIENT_STATUSES),
    mergedInto: Uuid.nullable(),
    destroyed: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Client' });

export const ClientSummary = z.object({
  id: Uuid,
  clientNumber: z.string(),
  displayName: z.string(),
  dateOfBirth: z.string(),
  status: z.enum(CLIENT_STATUSES),
  bsnLast4: z.string().nullable(),
});
export const ClientSearchQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: z.enum(CLIENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export const ClientSearchResult = z.object({
  items: z.array(ClientSummary),
  /**
   * For a clinician: clients outside their care found by exact client number or BSN, with
   * nothing but the number; opening one takes break-the-glass.
   */
  restricted: z.array(z.object({ id: Uuid, clientNumber: z.string() })).optional(),
});
export const ClientParams = z.strictObject({ practiceId: Uuid, clientId: Uuid });
export const DuplicateWarning = z.object({
  duplicates: z.array(ClientSummary.extend({ matchedOn: z.enum(['bsn', 'name_and_date_of_birth']) })),
});

export const ClientHistoryEntry = z.object({
  at: z.string(),
  userName: z.string().nullable(),
  action: z.string(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
export const ClientHistory = z.object({ items: z.array(ClientHistoryEntry) });

export const MergeBody = z.strictObject({ duplicateId: Uuid });

export const Trajectory = z.object({
  id: Uuid,
  clientId: Uuid,
  startDate: z.string(),
  endDate: z.string().nullable(),
  leadMembershipId: Uuid,
  leadName: z.string(),
  careDemandType: z.string().nullable(),
  diagnosisGroup: z.string().nullable(),
  referralId: Uuid.nullable(),
  open: z.boolean(),
});
export const TrajectoryList = z.object({ items: z.array(Trajectory) });
export const TrajectoryCreateBody = z.strictObject({
  startDate: CalendarDate,
  leadMembershipId: Uuid,
  careDemandType: z.string().trim().min(1).max(100).nullable().optional(),
  diagnosisGroup: z.string().trim().min(1).max(100).nullable().optional(),
});
export const TrajectoryPatch = nonEmpty(
  z.strictObject({
    endDate: CalendarDate.nullable().optional(),
    leadMembershipId: Uuid.optional(),
    careDemandType: z.string().trim().min(1).max(100).nullable().optional(),
    diagnosisGroup: z.string().trim().min(1).max(100).nullable().optional(),
  }),
);
export const TrajectoryParams = z.strictObject({ practiceId: Uuid, clientId: Uuid, trajectoryId: Uuid });
