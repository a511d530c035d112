import { createHash } from 'node:crypto';
import type { PracticeCtx } from './context.ts';
import { AppError } from './errors.ts';

/**
 * Runs a creating request at most once per Idempotency-Key (per practice and user), inside
 * the request's transaction. The key row is inserted first: a concurrent request with the same
 * key waits on it, and once the first commits, answers with the stored response; if the first
 * fails, its row rolls back with it and the next one runs for real.
 */
export async function idempotent<T>(
  ctx: PracticeCtx,
  key: string | undefined,
  request: unknown,
  run: () => Promise<T>,
  onReplay?: (stored: T) => Promise<void>,
): Promise<T> {
  if (key === undefined) return run();
  const hash = createHash('sha256').update(JSON.stringify(request)).digest();
  const claimed = await ctx.tx
    .insertInto('idempotency_keys')
    .values({ practice_id: ctx.practiceId, user_id: ctx.actor.userId, key, request_hash: hash })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    const stored = await ctx.tx
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response_body'])
      .where('practice_id', '=', ctx.practiceId)
      .where('user_id', '=', ctx.actor.userId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (!stored.request_hash.equals(hash)) {
      throw AppError.field('headers.idempotency-key', 'this key was already used for a different request', 'conflict');
    }
    const body = stored.response_body as T;
    await onReplay?.(body);
    return body;
  }
  const body = await run();
  await ctx.tx
    .updateTable('idempotency_keys')
    .set({ response_status: 201, response_body: JSON.stringify(body) })
    .where('practice_id', '=', ctx.practiceId)
    .where('user_id', '=', ctx.actor.userId)
    .where('key', '=', key)
    .execute();
  return body;
}
