import type { Role } from '@calmdesk/shared';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/database.ts';
import type { SecretBox } from './crypto.ts';

/** Process-wide services, built once at start and shared by HTTP, jobs and the CLI. */
export interface AppDeps {
  config: Config;
  db: Db;
  secrets: SecretBox;
}

/** Who asks, from where; carried into every audit entry. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface Actor {
  userId: string;
  sessionId: string;
  secondFactorAt: Date | null;
}

/** What a use case in one practice receives: the practice, the actor, and its transaction. */
export interface PracticeCtx {
  deps: AppDeps;
  tx: Tx;
  practiceId: string;
  membershipId: string;
  roles: Role[];
  actor: Actor;
  meta: RequestMeta;
}

/** What an account-level use case (login, own sessions) receives. */
export interface AccountCtx {
  deps: AppDeps;
  tx: Tx;
  actor: Actor | null;
  meta: RequestMeta;
}
