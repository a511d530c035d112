import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** What one access-log entry says (NEN 7513). Time, chain and hash are set by the database. */
export interface AuditEvent {
  action: string;
  outcome?: 'ok' | 'denied';
  practiceId: string | null;
  userId: string | null;
  onBehalfOf?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  clientId?: string | null;
  dataCategory: AuditCategory;
  legalBasis?: string;
  breakGlass?: boolean;
  reason?: string | null;
  requestId?: string | null;
  ipAddress?: string | null;
}

export type AuditCategory = 'account' | 'staff' | 'practice' | 'access_log' | 'client' | 'client_contact' | 'clinical' | 'financial';

/**
 * Appends one entry to the access log inside the given transaction (or connection). If it
 * cannot be written, the caller's transaction fails with it: no read without its entry.
 */
export async function writeAudit(db: Kysely<DB>, e: AuditEvent): Promise<void> {
  await writeAuditMany(db, [e]);
}

function defaultLegalBasis(category: AuditCategory): string {
  switch (category) {
    case 'client':
    case 'client_contact':
    case 'clinical':
      return 'treatment_agreement'; // WGBO: the treatment agreement
    case 'financial':
      return 'legal_obligation';
    case 'account':
    case 'staff':
    case 'practice':
    case 'access_log':
      return 'legitimate_interest';
  }
}

/** Several entries in one statement (search hits, imports); the trigger chains them in order. */
export async function writeAuditMany(db: Kysely<DB>, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      events.map((e) => ({
        action: e.action,
        outcome: e.outcome ?? 'ok',
        practice_id: e.practiceId,
        user_id: e.userId,
        on_behalf_of: e.onBehalfOf ?? null,
        entity_type: e.entityType ?? null,
        entity_id: e.entityId ?? null,
        client_id: e.clientId ?? null,
        data_category: e.dataCategory,
        legal_basis: e.legalBasis ?? defaultLegalBasis(e.dataCategory),
        break_glass: e.breakGlass ?? false,
        reason: e.reason ?? null,
        request_id: e.requestId ?? null,
        ip_address: e.ipAddress ?? null,
      })),
    )
    .execute();
}
