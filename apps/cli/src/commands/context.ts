import { loadConfig } from '../../../server/src/config.ts';
import { acquireDatabase, createDb, prepareDatabase } from '../../../server/src/db/database.ts';
import type { AppDeps } from '../../../server/src/platform/context.ts';
import { SecretBox } from '../../../server/src/platform/crypto.ts';

/**
 * Opens the configured database (migrated as its owner), runs `fn` as the application role, and
 * always closes what it opened.
 */
export async function withDeps<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await acquireDatabase(config, { attach: true });
  try {
    const prepared = await prepareDatabase(database, config);
    const db = createDb(prepared.appUrl, 4);
    try {
      return await fn({ config, db, secrets: SecretBox.fromConfig(config) });
    } finally {
      await db.destroy();
    }
  } finally {
    await database.close();
  }
}

/** Parses a value with a Zod-like schema, turning failure into a CLI error naming the option. */
export function parseOption<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
  value: unknown,
  option: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${option}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

/** A bad argument or a request the data does not allow: printed as is, exit code 2. */
export class UsageError extends Error {}
