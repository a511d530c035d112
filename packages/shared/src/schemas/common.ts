import { z } from 'zod';

export const Uuid = z.uuid();
/** Any UUID's text form (as PostgreSQL's uuid type reads it): for ids that are checked before a lookup, not validated. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const Email = z
  .email()
  .max(254)
  .transform((s) => s.trim().toLowerCase());
export const Name = z.string().trim().min(1).max(200);
export const ShortText = z.string().trim().max(200);
/** AGB code: 8 digits (Vektis). */
export const AgbCode = z.string().regex(/^\d{8}$/, 'AGB code must be 8 digits');
/** KvK number: 8 digits. */
export const KvkNumber = z.string().regex(/^\d{8}$/, 'KvK number must be 8 digits');
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24-hour)');
/** An instant as the API answers it, `2026-03-30T08:00:00.000Z`. */
export const IsoInstant = z.iso.datetime({ offset: true });

/**
 * The years a date or time in a request may fall in. Every date the API takes (a day, a
 * wall-clock time, an instant) is checked against them where its schema is defined, so a
 * booking in the year 1 or 9999 is a field error, not a row.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/**
 * False only for a text that starts with a year (`YYYY-…`) before MIN_YEAR or after MAX_YEAR;
 * any other mistake is for the format check beside it to name (so a field gets one message).
 */
export function yearInRange(text: string): boolean {
  const m = /^(\d{4})-/.exec(text);
  return !m || (Number(m[1]) >= MIN_YEAR && Number(m[1]) <= MAX_YEAR);
}
export const YEAR_RANGE_MESSAGE = `the year must be from ${MIN_YEAR} to ${MAX_YEAR}`;
/** An instant a request gives (a query's `from`/`to`): with an offset, years MIN_YEAR–MAX_YEAR. */
export const IsoInstantInput = IsoInstant.refine(yearInRange, { message: YEAR_RANGE_MESSAGE, abort: true });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z
        .array(
          z.object({
            path: z.string(),
            message: z.string(),
            /** The message as translatable sentences (key + parameters), where offered. */
            sentences: z.array(z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })).optional(),
          }),
        )
        .optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Ok = z.object({ ok: z.literal(true) });

export const PracticeParams = z.strictObject({ practiceId: Uuid });

/** A PATCH body must change something. */
export function nonEmpty<T extends z.ZodType<Record<string, unknown>>>(schema: T) {
  return schema.refine((o) => Object.values(o).some((v) => v !== undefined), { message: 'give at least one field to change' });
}
