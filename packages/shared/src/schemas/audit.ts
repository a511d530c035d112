import { z } from 'zod';
import { IsoInstantInput, Uuid } from './common.ts';

export const AuditEntry = z.object({
  /** The entry's place in the whole log: a paging cursor. */
  id: z.number().int(),
  /** Its position in the practice's hash chain; null for the few seconds before it is chained. */
  seq: z.number().int().nullable(),
  at: z.string(),
  action: z.string(),
  outcome: z.enum(['ok', 'denied']),
  userId: Uuid.nullable(),
  userName: z.string().nullable(),
  onBehalfOf: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  clientId: Uuid.nullable(),
  dataCategory: z.string(),
  legalBasis: z.string(),
  breakGlass: z.boolean(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  ipAddress: z.string().nullable(),
});
export const AuditQuery = z.strictObject({
  userId: Uuid.optional(),
  clientId: Uuid.optional(),
  from: IsoInstantInput.optional(),
  to: IsoInstantInput.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  beforeId: z.coerce.number().int().min(1).optional(),
});
export const AuditPage = z.object({ items: z.array(AuditEntry), nextBeforeId: z.number().int().nullable() });
export const AuditVerifyResult = z.object({
  intact: z.boolean(),
  checked: z.number().int(),
  firstBrokenSeq: z.number().int().nullable(),
  /** The last position covered by a seal made with the server's key, and when. */
  sealedSeq: z.number().int().nullable(),
  sealedAt: z.string().nullable(),
  /** Entries written in the last seconds, not yet chained. */
  pending: z.number().int(),
});
