import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../platform/errors.ts';

/** argon2id at the OWASP minimum (19 MiB, 2 iterations, 1 lane) — or stronger. */
// algorithm 2 = Argon2id (a const enum in the typings, so spelled out here).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const here = path.dirname(fileURLToPath(import.meta.url));
const BREACHED_FILE = path.resolve(here, '../../../../../data/breached-passwords.txt');
let breached: Set<string> | undefined;

function breachedList(): Set<string> {
  breached ??= new Set(
    fs
      .readFileSync(BREACHED_FILE, 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  );
  return breached;
}

/**
 * Checks a new password against the policy: 12–256 characters, not in the shipped
 * breached-password list, not the e-mail address. Throws `validation_failed` on `field`.
 */
export function checkPasswordPolicy(password: string, email: string, field = 'body.password'): void {
  if (password.length < 12) throw AppError.field(field, 'password must be at least 12 characters');
  if (password.length > 256) throw AppError.field(field, 'password must be at most 256 characters');
  const lower = password.toLowerCase();
  if (breachedList().has(lower)) {
    throw AppError.field(field, 'this password appears in lists of breached passwords; choose another');
  }
  if (lower === email.toLowerCase() || lower === email.split('@')[0]?.toLowerCase()) {
    throw AppError.field(field, 'password must not be your e-mail address');
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Burns the same time as a real verify, so unknown accounts cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummy ??= hashPassword('calmdesk-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
}
