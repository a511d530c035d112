import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of `process.env`. Everything the server, CLI and tests need from the
 * environment is parsed and validated here, once, failing fast with a clear message.
 */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** External PostgreSQL; when absent an embedded server is started in CALMDESK_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** The schema's owner, for migrations; defaults to DATABASE_URL. */
  DATABASE_OWNER_URL: z.string().url().optional(),
  /** How often the access log is sealed (seconds). */
  AUDIT_SEAL_SECONDS: z.coerce.number().int().min(1).max(60).default(60),
  /** Where the seals are also written, outside the database (default: audit-seals.jsonl in the data folder). */
  AUDIT_SEAL_FILE: z.string().optional(),
  CALMDESK_DATA_DIR: z.string().default('.calmdesk'),
  /** Public base URL used in e-mailed links. */
  PUBLIC_URL: z.string().url().optional(),
  /** 32-byte key (hex) encrypting TOTP secrets at rest; generated into the data dir in development. */
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'SECRET_KEY must be 64 hex characters')
    .optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  /** Password-reset e-mails per account, and reset requests per source address, per hour. */
  PASSWORD_RESET_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(3),
  PASSWORD_RESET_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** Invitations a practice sends per hour, in all and to one address. */
  INVITATION_MAX_PER_PRACTICE: z.coerce.number().int().min(1).default(30),
  INVITATION_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(3),
  COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  TRUST_PROXY: z.stringbool().default(false),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Calmdesk <no-reply@calmdesk.invalid>'),
  /** SMS reminders: `log` records them in the sms_outbox table (no provider); `none` sends none. Default: log, none in production. */
  SMS_TRANSPORT: z.enum(['log', 'none']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.stringbool().default(true),
  JOBS: z.stringbool().default(true),
});

export type Config = ReturnType<typeof buildConfig>;

function buildConfig(env: z.infer<typeof Env>) {
  const dataDir = path.resolve(env.CALMDESK_DATA_DIR);
  const smsTransport: 'log' | 'none' = env.SMS_TRANSPORT ?? (env.NODE_ENV === 'production' ? 'none' : 'log');
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    databaseOwnerUrl: env.DATABASE_OWNER_URL,
    audit: {
      sealSeconds: env.AUDIT_SEAL_SECONDS,
      sealFile: path.resolve(env.AUDIT_SEAL_FILE ?? path.join(dataDir, 'audit-seals.jsonl')),
    },
    dataDir,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    secretKey: env.SECRET_KEY,
    session: {
      idleMinutes: env.SESSION_IDLE_MINUTES,
      absoluteHours: env.SESSION_ABSOLUTE_HOURS,
      stepUpMinutes: env.STEP_UP_MINUTES,
      cookieSecure: env.COOKIE_SECURE,
    },
    login: {
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMinutes: 15,
    },
    passwordReset: {
      maxPerAccount: env.PASSWORD_RESET_MAX_PER_ACCOUNT,
      maxPerAddress: env.PASSWORD_RESET_MAX_PER_ADDRESS,
      windowMinutes: 60,
    },
    invitations: {
      maxPerPractice: env.INVITATION_MAX_PER_PRACTICE,
      maxPerAddress: env.INVITATION_MAX_PER_ADDRESS,
      windowMinutes: 60,
    },
    trustProxy: env.TRUST_PROXY,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    sms: { transport: smsTransport },
    logLevel: env.LOG_LEVEL,
    seedDemo: env.SEED_DEMO,
    jobs: env.JOBS,
  };
}

/** Reads and validates the environment; throws one error listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means "not set", as shells and .env files write it.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.SECRET_KEY) {
    throw new Error('Invalid configuration:\n  SECRET_KEY: required in production');
  }
  return buildConfig(parsed.data);
}

/** Configuration overrides for tests, applied on top of the real environment. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', ...overrides });
}
