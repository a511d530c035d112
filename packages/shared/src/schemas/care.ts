import { z } from 'zod';
import { IsoInstantInput, Uuid } from './common.ts';

/** How long a break-the-glass grant lasts. */
export const BREAK_GLASS_MINUTES = 60;
/** The shortest reason a break-the-glass accepts. */
export const BREAK_GLASS_REASON_MIN = 15;

export const TREATMENT_STARTS = ['assigned', 'booking'] as const;
export const TREATMENT_END_REASONS = ['ended', 'trajectory_closed', 'client_merged'] as const;

export const TreatmentRelationship = z.object({
  id: Uuid,
  clientId: Uuid,
  membershipId: Uuid,
  clinicianName: z.string(),
  trajectoryId: Uuid.nullable(),
  startedVia: z.enum(TREATMENT_STARTS),
  startedAt: z.string(),
  startedByName: z.string().nullable(),
  endedAt: z.string().nullable(),
  endedByName: z.string().nullable(),
  endReason: z.enum(TREATMENT_END_REASONS).nullable(),
  endNote: z.string().nullable(),
  active: z.boolean(),
});
export const TreatmentRelationshipList = z.object({ items: z.array(TreatmentRelationship) });
export const TreatmentRelationshipCreateBody = z.strictObject({
  /** The clinician's membership id. */
  clinicianId: Uuid,
  /** The care trajectory the treatment belongs to; closing it ends the relationship. */
  trajectoryId: Uuid.nullable().optional(),
});
export const TreatmentRelationshipEndBody = z.strictObject({
  note: z.string().trim().min(1).max(500).optional(),
});
export const TreatmentRelationshipParams = z.strictObject({ practiceId: Uuid, clientId: Uuid, relationshipId: Uuid });

export const BreakGlassBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(BREAK_GLASS_REASON_MIN, `state why you need this file (at least ${BREAK_GLASS_REASON_MIN} characters)`)
    .max(500),
});
export const BreakGlassGrant = z.object({
  id: Uuid,
  clientId: Uuid,
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
});
export const BreakGlassQuery = z.strictObject({
  from: IsoInstantInput.optional(),
  to: IsoInstantInput.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const BreakGlassAccess = BreakGlassGrant.extend({
  userId: Uuid,
  userName: z.string(),
  clientNumber: z.string(),
  /** Access-log entries flagged break-the-glass by this member on this client during the grant. */
  accesses: z.number().int(),
});
export const BreakGlassAccessList = z.object({ items: z.array(BreakGlassAccess) });
