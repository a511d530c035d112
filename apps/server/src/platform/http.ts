import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { UUID_PATTERN, type ErrorBody, type FieldError, type Role } from '@calmdesk/shared';
import { writeAudit } from './audit.ts';
import type { AppDeps, PracticeCtx, RequestMeta } from './context.ts';
import { AppError, pgErrorCode } from './errors.ts';
import type { AuthState } from '../modules/identity/session-store.ts';

export interface PracticeAccess {
  practiceId: string;
  membershipId: string;
  roles: Role[];
  /** The practice's IANA time zone. */
  timeZone: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyRequest {
    auth: AuthState | null;
    practice: PracticeAccess | null;
  }
}

export function requestMeta(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { requestId: req.id, ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/** The signed-in account, at any stage. Throws `unauthenticated`. */
export function requireSession(req: FastifyRequest): AuthState {
  if (!req.auth) throw new AppError('unauthenticated', 'sign in first');
  return req.auth;
}

/** A signed-in account that passed its second factor. */
export function requireFullAuth(req: FastifyRequest): AuthState {
  const auth = requireSession(req);
  if (auth.stage !== 'complete') {
    throw new AppError(
      'second_factor_required',
      auth.totpEnrolled ? 'enter the code from your authenticator app' : 'set up your second factor first',
    );
  }
  return auth;
}

/** The practice of a `/practices/:practiceId` route and the fully signed-in member's access to it. */
export function practiceAccess(req: FastifyRequest): PracticeAccess {
  requireFullAuth(req);
  if (!req.practice) throw new Error('practiceAccess used on a route outside /practices/:practiceId');
  return req.practice;
}

/** Runs a practice use case in one transaction with its scoped context. */
export async function inPractice<T>(req: FastifyRequest, fn: (ctx: PracticeCtx) => Promise<T>): Promise<T> {
  const access = practiceAccess(req);
  const auth = requireFullAuth(req);
  const deps = req.server.deps;
  const run = () =>
    deps.db.transaction().execute((tx) =>
      fn({
        deps,
        tx,
        practiceId: access.practiceId,
        membershipId: access.membershipId,
        roles: access.roles,
        actor: { userId: auth.userId, sessionId: auth.sessionId, secondFactorAt: auth.secondFactorAt },
        meta: requestMeta(req),
      }),
    );
  // A transaction PostgreSQL aborted to break a deadlock or a serialization conflict left
  // nothing behind; it is run again (twice at most) before the caller hears of it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = pgErrorCode(err);
      if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
      req.log.warn({ code, attempt }, 'transaction retried');
    }
  }
}

/** Whether a route (its full URL) lives in one practice and so goes through `practiceGate`. */
export function isPracticeRoute(url: string): boolean {
  return url.includes('/practices/:practiceId');
}

/**
 * Puts `practiceGate` first among the `preParsing` hooks of every route under
 * `/practices/:practiceId`, however and wherever it is registered: install it (an `onRoute`
 * hook) before any route, and no module registers the gate itself.
 */
export function installPracticeGate(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isPracticeRoute(route.url)) return;
    const own = route.preParsing === undefined ? [] : Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing];
    if (own.includes(practiceGate)) return; // the HEAD twin of a GET route comes by again
    route.preParsing = [practiceGate, ...own];
  });
}

/**
 * Runs on every `/practices/:practiceId` route (`installPracticeGate`) before the body is read:
 * the caller must be an active member. Anything else answers 404 (no existence oracle, not
 * even a body or media-type error) and is logged as a denied attempt — in the practice's own
 * log when it exists.
 */
export async function practiceGate(req: FastifyRequest): Promise<void> {
  const auth = requireFullAuth(req);
  const practiceId = (req.params as Record<string, string | undefined>).practiceId ?? '';
  const { db } = req.server.deps;
  // Read with the session in one statement (onRequest knows the route's practiceId).
  const membership = auth.membership?.practiceId === practiceId ? auth.membership : null;
  if (!membership) {
    const exists = UUID_PATTERN.test(practiceId)
      ? await db.selectFrom('practices').select('id').where('id', '=', practiceId).executeTakeFirst()
      : undefined;
    await writeAudit(db, {
      action: `${req.method} ${req.routeOptions.url ?? req.url}`,
      outcome: 'denied',
      practiceId: exists ? practiceId : null,
      userId: auth.userId,
      entityType: 'practice',
      entityId: practiceId.slice(0, 64),
      dataCategory: 'practice',
      reason: 'not a member',
      requestId: req.id,
      ipAddress: req.ip,
    });
    throw AppError.notFound('practice');
  }
  req.practice = { practiceId, membershipId: membership.id, roles: membership.roles as Role[], timeZone: membership.timeZone };
}

function validationFields(err: {
  validation: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[];
  validationContext?: string;
}): FieldError[] {
  const context = err.validationContext ?? 'body';
  const prefix = context === 'querystring' ? 'query' : context;
  const pathOf = (v: { instancePath: string }) => [prefix, ...v.instancePath.split('/').filter(Boolean)].join('.');
  // Zod also runs length checks on a value of the wrong type (an array's max(4) on a string),
  // which would add a misleading second message; the type error is the one that matters.
  const mistyped = new Set(err.validation.filter((v) => v.keyword === 'invalid_type').map(pathOf));
  const issues = err.validation.filter((v) => v.keyword === 'invalid_type' || !mistyped.has(pathOf(v)));
  return issues.flatMap((v) => {
    const base = pathOf(v);
    const keys = v.params.keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((k) => ({ path: `${base}.${String(k)}`, message: 'unknown field' }));
    }
    return [{ path: base, message: v.message ?? 'invalid' }];
  });
}

/** Installs the one error handler: AppError → its status; validation → 400 with every field. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    const body: ErrorBody = {
      error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}`, requestId: req.id },
    };
    return reply.status(404).send(body);
  });

  app.setErrorHandler(async (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (pgErrorCode(error) === '23505') {
      // A uniqueness guarantee of the database caught a race that the use case's check missed.
      appError = uniqueViolation(error as unknown as { constraint?: string });
    } else if (pgErrorCode(error) === '23P01') {
      // An exclusion constraint refused an overlap that the use case did not translate itself.
      appError = new AppError('conflict', 'this time is already taken');
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = validationFields(error);
      appError = new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields);
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      appError = new AppError('bad_request', 'the request body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }]);
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      appError = new AppError('bad_request', 'the request body is empty', [{ path: 'body', message: 'expected a JSON body' }]);
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      appError = new AppError('payload_too_large', 'the request body is too large');
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      appError = new AppError('unsupported_media_type', 'send the body as application/json');
    } else if (error.statusCode === 429) {
      appError = new AppError('rate_limited', 'too many requests; slow down');
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500 && !isResponseSerializationError(error)) {
      appError = new AppError('bad_request', error.message);
    } else {
      req.log.error({ err: error }, 'unhandled error');
      appError = new AppError('internal', 'something went wrong on our side; the error was logged');
    }

    if (req.practice && ['forbidden', 'not_treating', 'not_found', 'step_up_required'].includes(appError.code)) {
      await writeAudit(req.server.deps.db, {
        action: `${req.method} ${req.routeOptions.url ?? req.url}`,
        outcome: 'denied',
        practiceId: req.practice.practiceId,
        userId: req.auth?.userId ?? null,
        dataCategory: 'practice',
        reason: appError.code,
        requestId: req.id,
        ipAddress: req.ip,
      }).catch((e: unknown) => req.log.error({ err: e }, 'could not write denied-access audit entry'));
    }
    const body: ErrorBody = { error: { code: appError.code, message: appError.message, requestId: req.id } };
    if (appError.fields) body.error.fields = appError.fields;
    return reply.status(appError.status).send(body);
  });
}

const UNIQUE_FIELDS: Record<string, { path: string; message: string }> = {
  clients_practice_bsn_live_key: { path: 'body.bsn', message: 'another client has this BSN' },
  users_email_key: { path: 'body.email', message: 'an account with this e-mail address already exists' },
};

function uniqueViolation(err: { constraint?: string }): AppError {
  const field = err.constraint ? UNIQUE_FIELDS[err.constraint] : undefined;
  return field ? AppError.field(field.path, field.message, 'conflict') : new AppError('conflict', 'this conflicts with an existing record');
}
