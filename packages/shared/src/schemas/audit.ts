import { z } from 'zod';
import { IsoInstantInput, Uuid } from './common.ts';

export const AuditEntry = z.object({
  seq: z.number().int(),
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
  beforeSeq: z.coerce.number().int().min(1).optional(),
});
export const AuditPage = z.object({ items: z.array(AuditEntry), nextBeforeSeq: z.number().int().nullable() });
export const AuditVerifyResult = z.object({
  intact: z.boolean(),
  checked: z.number().int(),
  firstBrokenSeq: z.number().int().nullable(),
});
