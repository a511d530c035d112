import type { z } from 'zod';
import type { ClientCreateBody } from '@calmdesk/shared';
import type { PracticeCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requireRole, scoped } from '../../platform/tenancy.ts';
import { clientColumns } from './fields.ts';
import { presentClient, presentSummary } from './presenter.ts';
import { addHistory, findDuplicates, nextClientNumber } from './queries.ts';

/** Roles that keep the client file (administrative data). */
export const CLIENT_WRITERS = ['owner', 'back_office'] as const;

/**
 * Registers a client (back office, owner). A possible duplicate (same BSN, or same name and
 * date of birth) answers 409 `conflict` listing the matches, unless `confirmNotDuplicate` is
 * set; the same BSN twice is never allowed.
 */
export async function registerClient(ctx: PracticeCtx, input: z.infer<typeof ClientCreateBody>) {
  requireRole(ctx, ...CLIENT_WRITERS);
  // Taking the number locks the practice row until commit, so concurrent registrations run
  // the duplicate check one after another (a refused one rolls its number back).
  const clientNumber = await nextClientNumber(ctx);
  const duplicates = await findDuplicates(ctx, input);
  const sameBsn = duplicates.filter((d) => d.matched_on === 'bsn');
  if (sameBsn.length > 0 || (duplicates.length > 0 && !input.confirmNotDuplicate)) {
    throw new AppError(
      'conflict',
      sameBsn.length > 0
        ? 'a client with this BSN already exists'
        : 'a client with this name and date of birth already exists; confirm to register anyway',
      duplicates.map((d) => ({
        path: d.matched_on === 'bsn' ? 'body.bsn' : 'body.lastName',
        message: `possible duplicate of ${presentSummary(d).displayName} (${d.client_number})`,
      })),
    );
  }
  const { confirmNotDuplicate: _ignored, ...fields } = input;
  const columns = clientColumns(fields);
  const row = await scoped(ctx)
    .insertInto('clients', [
      {
        ...columns,
        client_number: clientNumber,
        first_name: input.firstName,
        last_name: input.lastName,
        date_of_birth: input.dateOfBirth,
      },
    ])
    .returningAll()
    .executeTakeFirstOrThrow();
  await addHistory(ctx, row.id, 'client.register');
  await scoped(ctx).audit({ action: 'client.register', entityType: 'client', entityId: row.id, clientId: row.id, dataCategory: 'client' });
  return presentClient(row);
}
