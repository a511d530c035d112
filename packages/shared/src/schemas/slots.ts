import { z } from 'zod';
import { MODES } from '../roles.ts';
import { IsoInstant, Uuid, YEAR_RANGE_MESSAGE, yearInRange } from './common.ts';
import { IsoDate } from './scheduling.ts';

/** Leave of one member (leave, sick, training) or a closure of the whole practice. */
export const ABSENCE_KINDS = ['leave', 'sick', 'training', 'closure'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

const EXAMPLE_ID = '3f0c1a52-7a2e-4c5b-9d47-1e2f3a4b5c6d';

/** A whole day (`2026-07-13`) or a wall-clock time (`2026-07-13T13:00`) in the practice's zone. */
export const LocalDayOrTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, {
    message: 'write a date (YYYY-MM-DD) or a local date and time (YYYY-MM-DDTHH:MM)',
    abort: true,
  })
  .refine(yearInRange, { message: YEAR_RANGE_MESSAGE, abort: true });

export const AbsenceCreateBody = z
  .strictObject({
    kind: z.enum(ABSENCE_KINDS),
    /** The member who is away; none (or null) for a closure, which is the only kind without one. */
    membershipId: Uuid.nullable().optional(),
    /** First day (from its start) or a local start time, in the practice's zone. */
    start: LocalDayOrTime,
    /** Last day (inclusive, to its end) or a local end time, in the practice's zone. */
    end: LocalDayOrTime,
    description: z.string().trim().max(200).optional(),
  })
  .meta({
    examples: [{ kind: 'leave', membershipId: EXAMPLE_ID, start: '2030-02-04', end: '2030-02-08', description: 'Holiday' }],
  });

export const AbsenceListQuery = z.strictObject({
  /** First day (local, inclusive). */
  from: IsoDate.meta({ examples: ['2030-01-01'] }),
  /** Last day (local, inclusive); at most 366 days after from. */
  to: IsoDate.meta({ examples: ['2030-12-31'] }),
  /** Only this member's absences and the practice's closures. */
  membershipId: Uuid.optional(),
});

export const AbsenceParams = z.strictObject({ practiceId: Uuid, absenceId: Uuid });

export const Absence = z
  .object({
    id: Uuid,
    kind: z.enum(ABSENCE_KINDS),
    membershipId: Uuid.nullable(),
    /** The member's name; null for a closure. */
    name: z.string().nullable(),
    startsAt: IsoInstant,
    endsAt: IsoInstant,
    /** Wall-clock start and (exclusive) end in `timeZone`, `2026-07-13T00:00`. */
    localStart: z.string(),
    localEnd: z.string(),
    timeZone: z.string(),
    description: z.string().nullable(),
  })
  .meta({ id: 'Absence' });

export const AbsenceList = z.object({ items: z.array(Absence) });

export const ServiceCliniciansBody = z.strictObject({
  /** Membership ids of the clinicians who offer the service; empty: every clinician does. */
  membershipIds: z.array(Uuid).max(500),
});

export const FreeSlotQuery = z.strictObject({
  serviceId: Uuid,
  mode: z.enum(MODES),
  /** First day (local, in the practice's zone, inclusive). */
  from: IsoDate.meta({ examples: ['2030-01-07'] }),
  /** Last day (inclusive); at most 31 days from `from`. */
  to: IsoDate.meta({ examples: ['2030-01-13'] }),
  /** One clinician (membership id); any clinician who offers the service by default. */
  clinicianId: Uuid.optional(),
  /** In person only: a location; any active location by default. */
  locationId: Uuid.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const FreeSlot = z.object({
  start: IsoInstant,
  end: IsoInstant,
  /** Wall-clock start in `timeZone`, `2026-03-30T10:00`: send it as `start` to book. */
  localStart: z.string(),
  timeZone: z.string(),
  clinicianId: Uuid,
  clinicianName: z.string(),
  locationId: Uuid.nullable(),
  roomId: Uuid.nullable(),
  roomName: z.string().nullable(),
});

export const FreeSlotList = z.object({ items: z.array(FreeSlot) });
