import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '@calmdesk/shared';
import type { AppDeps } from '../platform/context.ts';
import { hashPassword } from '../modules/identity/passwords.ts';
import { currentTotp, newTotpSecret } from '../modules/identity/totp.ts';
import { createPractice } from '../modules/practices/profile.ts';
import { Client, type TestApp } from './harness.ts';

export const TEST_PASSWORD = 'correct-horse-battery-staple-42';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  /** Last TOTP time step used, so repeated sign-ins use a fresh step. */
  lastStep: number;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}@test.example`;
}

/** An account with a known password and an enrolled authenticator (system insert). */
export async function createUser(deps: AppDeps, opts: { email?: string; name?: string; enrolled?: boolean } = {}): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = opts.email ?? uniqueEmail();
  const secret = newTotpSecret();
  const enrolled = opts.enrolled ?? true;
  const row = await deps.db
    .insertInto('users')
    .values({
      email,
      name: opts.name ?? `Test ${email.split('@')[0]}`,
      password_hash: await passwordHash,
      totp_secret_enc: enrolled ? deps.secrets.seal(secret) : null,
      totp_enrolled_at: enrolled ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password: TEST_PASSWORD, totpSecret: secret, lastStep: 0 };
}

/** The next TOTP code this user has not used yet (the server refuses replays). */
export function nextCode(user: TestUser): string {
  const nowStep = Math.floor(Date.now() / 30_000);
  const step = Math.max(nowStep - 1, user.lastStep + 1);
  if (step > nowStep + 1) throw new Error('test used more than 3 TOTP codes within 30 s');
  user.lastStep = step;
  return currentTotp(user.totpSecret, step * 30_000 + 1000);
}

/** Signs a user in through the API: password, then TOTP code. Returns the signed-in client. */
export async function signIn(t: TestApp, user: TestUser): Promise<Client> {
  const client = new Client(t.url);
  const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const verify = await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) });
  if (verify.status !== 200) throw new Error(`totp failed: ${verify.status} ${JSON.stringify(verify.body)}`);
  return client;
}

export interface TestPractice {
  id: string;
  name: string;
  owner: TestUser;
}

/** A fresh practice with its owner (a new one per test keeps tests independent). */
export async function createTestPractice(deps: AppDeps, opts: { name?: string; owner?: TestUser } = {}): Promise<TestPractice> {
  const owner = opts.owner ?? (await createUser(deps));
  const name = opts.name ?? `Practice ${crypto.randomUUID().slice(0, 8)}`;
  const p = await deps.db
    .transaction()
    .execute((tx) => createPractice(tx, owner.id, { name, timeZone: 'Europe/Amsterdam', locale: 'nl' }, { requestId: null, ip: null }));
  return { id: p.id, name, owner };
}

/** Adds an existing user to a practice with roles. */
export async function addMember(deps: AppDeps, practiceId: string, user: TestUser, roles: Role[]): Promise<string> {
  const row = await deps.db
    .insertInto('memberships')
    .values({ practice_id: practiceId, user_id: user.id, roles })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Number of access-log entries of a practice (for "exactly one entry" assertions). */
export async function auditCount(deps: AppDeps, practiceId: string | null): Promise<number> {
  const row = await deps.db
    .selectFrom('audit_log')
    .select(sql<string>`count(*)`.as('n'))
    .where('chain_id', '=', practiceId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
