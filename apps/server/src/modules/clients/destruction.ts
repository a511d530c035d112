import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { DestructionBody } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { addYears, localDate } from '../../platform/local-date.ts';
import { requireRole, requireStepUp, scoped } from '../../platform/tenancy.ts';
import { addHistory, loadClient } from './queries.ts';

const PSEUDONYM_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function pseudonymCode(): string {
  return Array.from(crypto.randomBytes(4), (b) => PSEUDONYM_ALPHABET[b % PSEUDONYM_ALPHABET.length]).join('');
}

/** When the clinical record may be destroyed without the client's request: `years` after the last change, on the practice's calendar. */
export function retentionEnds(lastClinicalChange: Date, years: number, zone: string): Date {
  return addYears(lastClinicalChange, years, zone);
}

/**
 * Destroys the clinical content of a client (owner, recent second factor): notes, documents and
 * their bytes go; name, contact, address, BSN, GP and emergency contact become a pseudonym.
 * The client row, its number, trajectories (administrative facts) and every audit line stay.
 * 409 `conflict` when already destroyed, or on `retention_expired` while the retention period
 * (from the last clinical change, else registration) still runs.
 */
export async function destroyClientRecord(ctx: PracticeCtx, clientId: string, input: z.infer<typeof DestructionBody>) {
  requireRole(ctx, 'owner');
  requireStepUp(ctx);
  const client = await loadClient(ctx, clientId, { lock: true, allowDestroyed: true });
  if (client.destroyed_at) throw new AppError('conflict', 'the clinical content of this client was already destroyed');
  if (input.basis === 'retention_expired') {
    const practice = await ctx.tx
      .selectFrom('practices')
      .select(['clinical_retention_years', 'time_zone'])
      .where('id', '=', ctx.practiceId)
      .executeTakeFirstOrThrow();
    const ends = retentionEnds(client.last_clinical_change_at ?? client.created_at, practice.clinical_retention_years, practice.time_zone);
    if (ends.getTime() > Date.now()) {
      throw AppError.field(
        'body.basis',
        `the retention period (${practice.clinical_retention_years} years after the last clinical change) runs until ${localDate(practice.time_zone, ends)}; record the client's request instead`,
        'conflict',
      );
    }
  }
  const notes = await scoped(ctx).deleteFrom('clinical_notes').where('client_id', '=', clientId).executeTakeFirst();
  const documents = await scoped(ctx).deleteFrom('documents').where('client_id', '=', clientId).executeTakeFirst();
  const pseudonym = `Vernietigd dossier ${pseudonymCode()}`;
  const destroyedAt = new Date();
  await scoped(ctx)
    .updateTable('clients')
    .set({
      first_name: 'Vernietigd',
      name_prefix: null,
      last_name: `dossier ${pseudonym.slice(-4)}`,
      pseudonym,
      bsn: null,
      bsn_verification: 'none',
      email: null,
      phone: null,
      address: JSON.stringify(null),
      policy_number: null,
      gp: JSON.stringify(null),
      emergency_contact: JSON.stringify(null),
      communication: '{}',
      consents: '{}',
      destroyed_at: destroyedAt,
      updated_at: destroyedAt,
    })
    .where('id', '=', clientId)
    .execute();
  // Earlier history entries hold the old values; keep who changed which field when, not what.
  await scoped(ctx)
    .updateTable('client_history')
    .set({
      changes: sql`(SELECT coalesce(jsonb_object_agg(key, '{"from":"[destroyed]","to":"[destroyed]"}'::jsonb), '{}'::jsonb) FROM jsonb_each(changes))`,
    })
    .where('client_id', '=', clientId)
    .execute();
  await scoped(ctx)
    .insertInto('destruction_requests', [
      {
        client_id: clientId,
        basis: input.basis,
        request_received_on: input.requestReceivedOn ?? null,
        note: input.note ?? null,
        performed_by: ctx.actor.userId,
      },
    ])
    .execute();
  await addHistory(ctx, clientId, 'client.destroy', { basis: { from: null, to: input.basis } });
  await scoped(ctx).audit({
    action: 'client.destroy',
    entityType: 'client',
    entityId: clientId,
    clientId,
    dataCategory: 'clinical',
    legalBasis: input.basis === 'client_request' ? 'client_request' : 'retention_expired',
  });
  return {
    clientId,
    pseudonym,
    destroyedAt: destroyedAt.toISOString(),
    notesRemoved: Number(notes.numDeletedRows),
    documentsRemoved: Number(documents.numDeletedRows),
  };
}
