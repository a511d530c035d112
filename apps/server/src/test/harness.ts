import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { createDb, type Db } from '../db/database.ts';
import type { AppDeps } from '../platform/context.ts';
import { SecretBox } from '../platform/crypto.ts';

export interface TestApp {
  url: string;
  deps: AppDeps;
  app: FastifyInstance;
  /**
   * A superuser connection to the same database, for tests that play the attacker who controls
   * the database (the application itself runs as calmdesk_app and cannot do what they do).
   */
  admin(): Db;
  close(): Promise<void>;
  /**
   * The development mailbox's key, read from the data folder as its operator would
   * (`<dataDir>/dev-outbox-key`); send it in the `X-Calmdesk-Outbox-Key` header.
   */
  outboxKey(): string;
}

/**
 * The real application on a real port, against the run's PostgreSQL (TEST_DATABASE_URL,
 * prepared by `npm test`). Tests talk to it over HTTP with `Client`. `extraRoutes` adds
 * test-only routes to the built application before it listens.
 */
export async function startTestApp(
  overrides: NodeJS.ProcessEnv = {},
  opts: { extraRoutes?: (app: FastifyInstance) => Promise<void> } = {},
): Promise<TestApp> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests with `npm test`');
  // A data folder of its own (key files), unless the test names one.
  const ownDataDir = overrides.CALMDESK_DATA_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'calmdesk-test-data-'));
  const config = testConfig({
    DATABASE_URL: url,
    CALMDESK_DATA_DIR: ownDataDir,
    LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    // Every test file signs in and asks for resets from 127.0.0.1; tests of the limit set their own.
    PASSWORD_RESET_MAX_PER_ADDRESS: '100000',
    ...overrides,
  });
  const db = createDb(url, 10);
  const deps: AppDeps = { config, db, secrets: new SecretBox(crypto.createHash('sha256').update('calmdesk-test-key').digest()) };
  const app = await buildApp(deps);
  if (opts.extraRoutes) await opts.extraRoutes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Links in e-mails must point at this instance (it listens on a random port).
  if (!overrides.PUBLIC_URL) config.publicUrl = `http://127.0.0.1:${port}`;
  let admin: Db | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    app,
    admin: () => (admin ??= createDb(adminUrl(), 2)),
    close: async () => {
      await app.close();
      await db.destroy();
      await admin?.destroy();
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    },
    outboxKey: () => fs.readFileSync(path.join(config.dataDir, 'dev-outbox-key'), 'utf8').trim(),
  };
}

/** The run's superuser URL (set by `npm test`). */
export function adminUrl(): string {
  const url = process.env.TEST_ADMIN_URL;
  if (!url) throw new Error('TEST_ADMIN_URL is not set: run tests with `npm test`');
  return url;
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like HTTP client with its own cookie jar. */
export class Client {
  cookie: string | undefined;
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') h['content-type'] = 'application/json';
    if (typeof body === 'string') h['content-type'] ??= 'application/json';
    return this.send<T>(method, path, h, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** A request whose body is sent as is (a CSV file, PDF bytes) under the given content type. */
  raw<T = any>(method: string, path: string, body: string | Uint8Array, contentType: string): Promise<Reply<T>> {
    return this.send<T>(method, path, { 'content-type': contentType }, body);
  }

  private async send<T>(method: string, path: string, h: Record<string, string>, body: string | Uint8Array | undefined): Promise<Reply<T>> {
    if (this.cookie) h.cookie = this.cookie;
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: body as BodyInit | undefined });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (pair?.startsWith('cd_session=')) this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
