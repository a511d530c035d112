import { z } from 'zod';
import { MODES } from '../roles.ts';
import { IsoInstant, Uuid } from './common.ts';
import { IsoDate } from './scheduling.ts';
import { Absence } from './slots.ts';

/** At most this many local days per availability request (a month view fits). */
export const MAX_AVAILABILITY_DAYS = 42;

const UUID_LIST =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})*$/i;

export const AvailabilityQuery = z.strictObject({
  /** First day (local, in the practice's zone, inclusive). */
  from: IsoDate.meta({ examples: ['2030-01-07'] }),
  /** Last day (local, inclusive); at most 42 days from `from`. */
  to: IsoDate.meta({ examples: ['2030-01-13'] }),
  /**
   * Comma-separated membership ids (at most 200) of the clinicians wanted; by default every
   * active clinician. Members who left may be named (their appointments still show).
   */
  clinicianIds: z
    .string()
    .max(200 * 37)
    .regex(UUID_LIST, 'comma-separated membership ids')
    .optional(),
});

/** One block of working hours on one date, expanded in the practice's zone. */
export const WorkingInterval = z.object({
  start: IsoInstant,
  end: IsoInstant,
  /** Wall-clock start and end in the practice's zone, `2026-03-30T09:00`. */
  localStart: z.string(),
  localEnd: z.string(),
  modes: z.array(z.enum(MODES)),
  /** Where the clinician works then; null = any location. */
  locationId: Uuid.nullable(),
});

export const ClinicianAvailability = z.object({
  clinicianId: Uuid,
  name: z.string(),
  /** Working hours on each date of the range, in start order (several blocks a day are possible, and may overlap). */
  working: z.array(WorkingInterval),
  /** The clinician's leave, sick leave and training overlapping the range (closures are in `closures`). */
  absences: z.array(Absence),
});

export const Availability = z
  .object({
    timeZone: z.string(),
    from: IsoDate,
    to: IsoDate,
    clinicians: z.array(ClinicianAvailability),
    /** Closures of the whole practice overlapping the range. */
    closures: z.array(Absence),
  })
  .meta({ id: 'Availability' });
