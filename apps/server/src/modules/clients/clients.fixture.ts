/** Small helpers for the client-file tests (registration, search, lifecycle). */
import crypto from 'node:crypto';
import type { Client, Reply, TestApp } from '../../test/harness.ts';
import { createTestPractice, signIn, type TestPractice } from '../../test/factories.ts';

/** A fresh practice with its owner signed in. */
export async function ownPractice(t: TestApp): Promise<{ practice: TestPractice; base: string; owner: Client }> {
  const practice = await createTestPractice(t.deps);
  return { practice, base: `/api/v1/practices/${practice.id}`, owner: await signIn(t, practice.owner) };
}

/** The smallest valid registration body: a unique name, a date of birth, optional extras. */
export function minimalClient(extra: Record<string, unknown> = {}) {
  const tag = crypto.randomUUID().slice(0, 8);
  return { firstName: `Fleur ${tag}`, lastName: `de Boer ${tag}`, dateOfBirth: '1980-03-27', ...extra };
}

/** The field paths of an error answer, sorted. */
export function fieldPaths(res: Reply<{ error?: { fields?: { path: string }[] } } | undefined>): string[] {
  return (res.body?.error?.fields ?? []).map((f) => f.path).sort();
}

/** Rows a practice holds in the client tables (for "nothing saved"). */
export async function clientRowCounts(t: TestApp, practiceId: string) {
  const count = async (table: 'clients' | 'client_history' | 'care_trajectories') =>
    (await t.deps.db.selectFrom(table).select('practice_id').where('practice_id', '=', practiceId).execute()).length;
  return { clients: await count('clients'), history: await count('client_history'), trajectories: await count('care_trajectories') };
}

/** Access-log entries of a practice with this action, as `client_id`s in log order. */
export async function auditedClients(t: TestApp, practiceId: string, action: string): Promise<(string | null)[]> {
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select('client_id')
    .where('practice_id', '=', practiceId)
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.client_id);
}
