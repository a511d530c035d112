import type { z } from 'zod';
import { CLIENT_STATUS_FLOW, type ClientPatch } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { clientColumns, diff } from './fields.ts';
import { presentClient } from './presenter.ts';
import { addHistory, loadClient } from './queries.ts';
import { CLIENT_WRITERS } from './register-client.ts';

/**
 * Changes a client's administrative data or status (back office, owner); every changed field
 * lands in the client's history. Throws `not_found`, `conflict` (BSN of another client,
 * a status change the flow does not allow).
 */
export async function updateClient(ctx: PracticeCtx, clientId: string, input: z.infer<typeof ClientPatch>) {
  requireRole(ctx, ...CLIENT_WRITERS);
  const before = await loadClient(ctx, clientId, { lock: true });
  if (before.merged_into) throw new AppError('conflict', 'this client was merged into another record; edit that one');
  if (input.status && input.status !== before.status && !CLIENT_STATUS_FLOW[before.status].includes(input.status)) {
    throw AppError.field('body.status', `cannot go from ${before.status} to ${input.status}`, 'conflict');
  }
  // A BSN held by another live client is refused by the unique index (409 on body.bsn).
  const { status, ...fields } = input;
  const after = await scoped(ctx)
    .updateTable('clients')
    .set({ ...clientColumns(fields), ...(status !== undefined && { status }), updated_at: new Date() })
    .where('id', '=', clientId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const a = presentClient(after);
  const b = presentClient(before);
  const changes = diff(b, a, Object.keys(input));
  if (Object.keys(changes).length > 0)
    await addHistory(ctx, clientId, status && status !== before.status ? 'client.status' : 'client.update', changes);
  await scoped(ctx).audit({
    action: 'client.update',
    entityType: 'client',
    entityId: clientId,
    clientId,
    dataCategory: 'client',
    reason: `fields: ${Object.keys(changes).join(', ') || 'none'}`,
  });
  return a;
}
