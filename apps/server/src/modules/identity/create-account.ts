import type { Tx } from '../../db/database.ts';
import { writeAudit } from '../../platform/audit.ts';

/** Creates a staff account (second factor set up at first sign-in) with its access-log entry. */
export async function createAccount(
  tx: Tx,
  input: { email: string; name: string; passwordHash: string; locale?: 'en' | 'nl' },
  reason: string,
): Promise<string> {
  const row = await tx
    .insertInto('users')
    .values({ email: input.email, name: input.name, password_hash: input.passwordHash, ...(input.locale && { locale: input.locale }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeAudit(tx, {
    action: 'account.create',
    practiceId: null,
    userId: null,
    entityType: 'user',
    entityId: row.id,
    dataCategory: 'account',
    reason,
  });
  return row.id;
}
