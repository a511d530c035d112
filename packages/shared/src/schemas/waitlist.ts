import { z } from 'zod';
import { MODES } from '../roles.ts';
import { IsoInstant, nonEmpty, Uuid } from './common.ts';
import { LocalDateTime } from './scheduling.ts';

/** Morning before 12:00, afternoon 12:00–17:00, evening from 17:00 (the practice's local time). */
export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];
/** Most urgent first. */
export const URGENCIES = ['urgent', 'soon', 'routine'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const WAITLIST_STATUSES = ['waiting', 'offered', 'booked', 'removed'] as const;
export const OFFER_STATUSES = ['open', 'accepted', 'declined', 'withdrawn'] as const;

const EXAMPLE_ID = '3f0c1a52-7a2e-4c5b-9d47-1e2f3a4b5c6d';

/** Empty = any. */
const Modes = z.array(z.enum(MODES)).max(MODES.length);
/** ISO weekdays, 1 = Monday … 7 = Sunday; empty = any. */
const Weekdays = z
  .array(z.number().int().min(1, 'a weekday is 1 (Monday) to 7 (Sunday)').max(7, 'a weekday is 1 (Monday) to 7 (Sunday)'))
  .max(7);
const DayParts = z.array(z.enum(DAY_PARTS)).max(DAY_PARTS.length);
/** Administrative only (no clinical content). */
const Remark = z.string().trim().max(300);

export const WaitlistEntryCreateBody = z
  .strictObject({
    clientId: Uuid,
    serviceId: Uuid.optional(),
    /** Membership id of the wanted clinician; any clinician when left out. */
    clinicianId: Uuid.optional(),
    modes: Modes.default([]),
    weekdays: Weekdays.default([]),
    dayParts: DayParts.default([]),
    urgency: z.enum(URGENCIES).default('routine'),
    remark: Remark.optional(),
  })
  .meta({
    examples: [
      {
        clientId: EXAMPLE_ID,
        serviceId: EXAMPLE_ID,
        clinicianId: EXAMPLE_ID,
        modes: ['video'],
        weekdays: [1],
        dayParts: ['morning'],
        urgency: 'soon',
        remark: 'prefers an early call',
      },
    ],
  });

export const WaitlistEntryPatch = nonEmpty(
  z.strictObject({
    serviceId: Uuid.nullable().optional(),
    clinicianId: Uuid.nullable().optional(),
    modes: Modes.optional(),
    weekdays: Weekdays.optional(),
    dayParts: DayParts.optional(),
    urgency: z.enum(URGENCIES).optional(),
    remark: Remark.nullable().optional(),
  }),
).meta({ examples: [{ urgency: 'urgent', dayParts: ['morning', 'afternoon'] }] });

export const WaitlistListQuery = z.strictObject({
  /** Comma-separated statuses; `waiting,offered` by default. */
  status: z
    .string()
    .regex(
      /^(waiting|offered|booked|removed)(,(waiting|offered|booked|removed))*$/,
      'statuses: waiting, offered, booked, removed (comma-separated)',
    )
    .optional(),
});

export const WaitlistEntryParams = z.strictObject({ practiceId: Uuid, waitlistEntryId: Uuid });
export const WaitlistOfferParams = z.strictObject({ practiceId: Uuid, waitlistOfferId: Uuid });

export const WaitlistOffer = z.object({
  id: Uuid,
  entryId: Uuid,
  clinicianId: Uuid,
  clinicianName: z.string(),
  startsAt: IsoInstant,
  endsAt: IsoInstant,
  /** Wall-clock start in the practice's zone, `2030-01-21T10:00`. */
  localStart: z.string(),
  durationMinutes: z.number().int(),
  mode: z.enum(MODES),
  status: z.enum(OFFER_STATUSES),
  /** The freed appointment while open; the booked appointment once accepted. */
  appointmentId: Uuid.nullable(),
  createdAt: IsoInstant,
  respondedAt: IsoInstant.nullable(),
});

export const WaitlistEntry = z
  .object({
    id: Uuid,
    client: z.object({ id: Uuid, clientNumber: z.string(), displayName: z.string() }),
    serviceId: Uuid.nullable(),
    serviceName: z.string().nullable(),
    clinicianId: Uuid.nullable(),
    clinicianName: z.string().nullable(),
    modes: z.array(z.enum(MODES)),
    weekdays: z.array(z.number().int()),
    dayParts: z.array(z.enum(DAY_PARTS)),
    urgency: z.enum(URGENCIES),
    remark: z.string().nullable(),
    status: z.enum(WAITLIST_STATUSES),
    createdAt: IsoInstant,
    updatedAt: IsoInstant,
    /** Offers made to this entry, newest first. */
    offers: z.array(WaitlistOffer),
  })
  .meta({ id: 'WaitlistEntry' });

export const WaitlistEntryList = z.object({ items: z.array(WaitlistEntry) });

export const CandidatesForAppointmentQuery = z.strictObject({ appointmentId: Uuid });

export const CandidatesForSlotQuery = z.strictObject({
  start: LocalDateTime.meta({ examples: ['2030-01-21T10:00'] }),
  durationMinutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(720)
    .meta({ examples: [45] }),
  clinicianId: Uuid,
  mode: z.enum(MODES),
  serviceId: Uuid.optional(),
});

/** How an entry matches the slot, per preference: the entry named it, or left it open (any). */
const How = z.enum(['named', 'any']);

export const WaitlistCandidate = z.object({
  entry: WaitlistEntry,
  matches: z.object({ clinician: How, mode: How, weekday: How, dayPart: How, service: How }),
  /** The same in words (English). */
  why: z.string(),
});

export const WaitlistSlot = z.object({
  appointmentId: Uuid.nullable(),
  /** False for an appointment that still holds its time (a preview: it cannot be offered yet). */
  freed: z.boolean(),
  startsAt: IsoInstant,
  localStart: z.string(),
  timeZone: z.string(),
  durationMinutes: z.number().int(),
  clinicianIds: z.array(Uuid),
  mode: z.enum(MODES),
  serviceId: Uuid.nullable(),
  weekday: z.number().int(),
  dayPart: z.enum(DAY_PARTS),
});

export const WaitlistCandidates = z.object({ slot: WaitlistSlot, items: z.array(WaitlistCandidate) });

export const WaitlistOfferCreateBody = z
  .strictObject({
    /** A cancelled appointment whose time is offered (its clinician, mode, place and service). */
    appointmentId: Uuid.optional(),
    /** Or a slot: local start in the practice's zone, duration, clinician and mode (not in person). */
    start: LocalDateTime.optional(),
    durationMinutes: z.number().int().min(5).max(720).optional(),
    clinicianId: Uuid.optional(),
    mode: z.enum(MODES).optional(),
  })
  .meta({ examples: [{ start: '2030-01-21T11:00', durationMinutes: 45, clinicianId: EXAMPLE_ID, mode: 'video' }] });

export const WaitlistOfferResult = z.object({
  entry: WaitlistEntry,
  offer: WaitlistOffer,
});
