import { z } from 'zod';
import { MODES, PROFESSIONS, ROLES } from '../roles.ts';
import { isValidIban, isValidTimeZone } from '../rules.ts';
import { AgbCode, Email, KvkNumber, Name, nonEmpty, ShortText, TimeOfDay, Uuid } from './common.ts';

const Iban = z
  .string()
  .trim()
  .max(42)
  .refine(isValidIban, 'IBAN is not valid (check digits)')
  .transform((s) => s.replace(/\s+/g, '').toUpperCase());
const TimeZone = z.string().max(64).refine(isValidTimeZone, 'unknown IANA time zone');

export const Address = z.strictObject({
  street: ShortText,
  postalCode: z.string().trim().max(16),
  city: ShortText,
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166 alpha-2 code'),
});

export const PracticeProfile = z
  .object({
    id: Uuid,
    name: z.string(),
    legalName: z.string(),
    agbCode: z.string().nullable(),
    kvkNumber: z.string().nullable(),
    address: Address.nullable(),
    iban: z.string().nullable(),
    vatStatus: z.enum(['exempt', 'liable', 'mixed']),
    timeZone: z.string(),
    locale: z.enum(['en', 'nl']),
    currency: z.string(),
    /** Shown to clients in invitations and reminders. */
    contactPhone: z.string().nullable(),
    contactEmail: z.string().nullable(),
  })
  .meta({ id: 'PracticeProfile' });

export const PracticeCreateBody = z.strictObject({
  name: Name,
  legalName: Name.optional(),
  timeZone: TimeZone.default('Europe/Amsterdam'),
  locale: z.enum(['en', 'nl']).default('nl'),
});

export const PracticeUpdateBody = z.strictObject({
  name: Name.optional(),
  legalName: Name.optional(),
  agbCode: AgbCode.nullable().optional(),
  kvkNumber: KvkNumber.nullable().optional(),
  address: Address.nullable().optional(),
  iban: Iban.nullable().optional(),
  vatStatus: z.enum(['exempt', 'liable', 'mixed']).optional(),
  timeZone: TimeZone.optional(),
  locale: z.enum(['en', 'nl']).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')
    .optional(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,20}$/, 'phone number may hold digits, spaces, ( ) - and a leading +')
    .nullable()
    .optional(),
  contactEmail: Email.nullable().optional(),
});

export const Location = z.object({
  id: Uuid,
  name: z.string(),
  address: Address.nullable(),
  active: z.boolean(),
});
export const LocationList = z.object({ items: z.array(Location) });
export const LocationBody = z.strictObject({
  name: Name,
  address: Address.nullable().optional(),
  active: z.boolean().optional(),
});
export const LocationPatch = nonEmpty(LocationBody.partial());
export const LocationParams = z.strictObject({ practiceId: Uuid, locationId: Uuid });

export const Room = z.object({ id: Uuid, locationId: Uuid, name: z.string(), active: z.boolean() });
export const RoomList = z.object({ items: z.array(Room) });
export const RoomBody = z.strictObject({ locationId: Uuid, name: Name, active: z.boolean().optional() });
export const RoomPatch = nonEmpty(z.strictObject({ name: Name.optional(), active: z.boolean().optional() }));
export const RoomParams = z.strictObject({ practiceId: Uuid, roomId: Uuid });

export const StaffMember = z.object({
  membershipId: Uuid,
  userId: Uuid,
  name: z.string(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  agbCode: z.string().nullable(),
  bigNumber: z.string().nullable(),
  profession: z.enum(PROFESSIONS).nullable(),
  active: z.boolean(),
});
export const StaffList = z.object({ items: z.array(StaffMember) });
export const StaffPatch = nonEmpty(
  z.strictObject({
    roles: z.array(z.enum(ROLES)).min(1).max(4).optional(),
    agbCode: AgbCode.nullable().optional(),
    bigNumber: z
      .string()
      .regex(/^\d{11}$/, 'BIG number must be 11 digits')
      .nullable()
      .optional(),
    profession: z.enum(PROFESSIONS).nullable().optional(),
    active: z.boolean().optional(),
  }),
);
export const StaffParams = z.strictObject({ practiceId: Uuid, membershipId: Uuid });

export const Service = z.object({
  id: Uuid,
  name: z.string(),
  defaultDurationMinutes: z.number().int(),
  allowedModes: z.array(z.enum(MODES)),
  billingCode: z.string().nullable(),
  /** Free minutes the slot search keeps after a session of this service. */
  bufferMinutes: z.number().int(),
  active: z.boolean(),
  /** Membership ids of the clinicians who offer it; empty: every clinician does. */
  clinicianIds: z.array(Uuid),
});
export const ServiceList = z.object({ items: z.array(Service) });
export const ServiceBody = z.strictObject({
  name: Name,
  defaultDurationMinutes: z.number().int().min(5).max(480),
  allowedModes: z.array(z.enum(MODES)).min(1).max(4),
  billingCode: z
    .string()
    .regex(/^[A-Z]{2}\d{4}$/, 'billing code must look like CO0110 or OV0012')
    .nullable()
    .optional(),
  bufferMinutes: z.number().int().min(0).max(120).optional(),
  active: z.boolean().optional(),
});
export const ServicePatch = nonEmpty(ServiceBody.partial());
export const ServiceParams = z.strictObject({ practiceId: Uuid, serviceId: Uuid });

export const WorkingHoursBlock = z.strictObject({
  weekday: z.number().int().min(1).max(7),
  start: TimeOfDay,
  end: TimeOfDay,
  locationId: Uuid.nullable(),
  modes: z.array(z.enum(MODES)).min(1).max(4),
});
export const WorkingHours = z.object({ items: z.array(WorkingHoursBlock) });
export const WorkingHoursBody = z.strictObject({ items: z.array(WorkingHoursBlock).max(50) });
