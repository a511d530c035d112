import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppDeps } from './platform/context.ts';
import { AppError } from './platform/errors.ts';
import { installErrorHandling, installPracticeGate } from './platform/http.ts';
import { installInputGuard } from './platform/input-guard.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { clientRoutes } from './modules/clients/routes.ts';
import { clientRecordRoutes } from './modules/clients/records-routes.ts';
import { careRoutes } from './modules/clients/care-routes.ts';
import { agendaRoutes, schedulingRoutes } from './modules/scheduling/routes.ts';
import { calendarRoutes } from './modules/scheduling/feed-routes.ts';
import { slotRoutes } from './modules/scheduling/slot-routes.ts';
import { waitlistRoutes } from './modules/scheduling/waitlist-routes.ts';
import { clientImportRoutes } from './modules/clients/import-routes.ts';
import { devOutboxEnabled } from './modules/dev/outbox-key.ts';
import { devOutboxRoutes } from './modules/dev/routes.ts';
import { identityRoutes } from './modules/identity/routes.ts';
import { resolveSession, SESSION_COOKIE } from './modules/identity/session-store.ts';
import { practiceCreateRoutes, practiceRoutes } from './modules/practices/routes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const WEB_DIST = path.resolve(here, '../../web/dist');

/**
 * The `host[:port]` an Origin header names, or null when it is not a serialised origin
 * (`scheme://host[:port]`, nothing else): `null`, `http://`, a path, user info, garbage.
 */
export function originHost(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin === origin ? url.host : null;
}

/** Builds the HTTP application: security plugins, sessions, module routes, errors, docs, SPA. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.config.logLevel === 'silent'
        ? false
        : { level: deps.config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1_048_576,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  app.decorate('deps', deps);
  app.decorateRequest('auth', null);
  app.decorateRequest('practice', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installPracticeGate(app);
  installInputGuard(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    strictTransportSecurity: deps.config.session.cookieSecure !== 'never',
  });
  await app.register(cookie);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    // Cross-site requests are refused for anything that changes state: the cookie is
    // SameSite=Lax, and a foreign Origin on a mutation is rejected outright — as is one that
    // names no site (`null` from a sandboxed frame or a file, `http://`, garbage).
    const origin = req.headers.origin;
    if (origin !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
      const host = req.headers.host;
      if (!host || originHost(origin) !== host) throw new AppError('forbidden', 'cross-origin request refused');
    }
    const token = req.cookies[SESSION_COOKIE];
    // The practice a route names is known after routing; its membership comes with the session.
    const practiceId = (req.params as Record<string, string | undefined> | undefined)?.practiceId;
    if (token) req.auth = await resolveSession(deps.db, deps, token, practiceId);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Calmdesk API',
        version: '1.0.0',
        description:
          'The back office of mental health care practices. Every practice resource lives under /api/v1/practices/{practiceId}; a practice you are not a member of answers 404.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true });

  await app.register(
    async (api) => {
      api.get('/health', { schema: { hide: true } }, async () => {
        await deps.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
        return { ok: true };
      });
      await api.register(identityRoutes);
      await api.register(practiceCreateRoutes);
      await api.register(practiceRoutes, { prefix: '/practices/:practiceId' });
      await api.register(auditRoutes, { prefix: '/practices/:practiceId' });
      // Before the client file's routes: the walkers call routes in this order, and a closed
      // trajectory takes no new assignments.
      await api.register(careRoutes, { prefix: '/practices/:practiceId' });
      await api.register(clientRoutes, { prefix: '/practices/:practiceId' });
      await api.register(clientRecordRoutes, { prefix: '/practices/:practiceId' });
      await api.register(clientImportRoutes, { prefix: '/practices/:practiceId' });
      await api.register(schedulingRoutes, { prefix: '/practices/:practiceId' });
      await api.register(waitlistRoutes, { prefix: '/practices/:practiceId' });
      await api.register(slotRoutes, { prefix: '/practices/:practiceId' });
      await api.register(agendaRoutes);
      await api.register(calendarRoutes);
      if (devOutboxEnabled(deps.config)) await api.register(devOutboxRoutes);
    },
    { prefix: '/api/v1' },
  );

  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: ['index.html'] });
    // Client-side routes: any non-API GET that is not a file gets the SPA shell.
    app.get('/*', { schema: { hide: true } }, (req, reply) => {
      // An unknown API path answers like every unknown route, whether the web app is built or not.
      if (req.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }
  return app;
}
