import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Client, startTestApp, type TestApp } from '../test/harness.ts';
import { createTestPractice, createUser, signIn } from '../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('HTTP security', () => {
  it('sends a CSP that allows no inline script, and the usual hardening headers', async () => {
    const res = await new Client(t.url).get('/api/v1/health');
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert.equal(scriptSrc.trim(), "'self'");
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('strict-transport-security'));
  });

  it('refuses a state-changing request from a foreign origin and changes nothing', async () => {
    const practice = await createTestPractice(t.deps);
    const owner = await signIn(t, practice.owner);
    const res = await owner.request('PATCH', `/api/v1/practices/${practice.id}`, { name: 'Hijacked' }, { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    const row = await t.deps.db.selectFrom('practices').select('name').where('id', '=', practice.id).executeTakeFirstOrThrow();
    assert.equal(row.name, practice.name);
    const same = await owner.request('PATCH', `/api/v1/practices/${practice.id}`, { name: 'Renamed here' }, { origin: t.url });
    assert.equal(same.status, 200);
  });

  it('marks the session cookie Secure when configured for HTTPS', async () => {
    const secure = await startTestApp({ COOKIE_SECURE: 'always' });
    try {
      const user = await createUser(secure.deps);
      const res = await new Client(secure.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cd_session=')) ?? '';
      assert.match(cookie, /; Secure/i);
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; SameSite=Lax/i);
    } finally {
      await secure.close();
    }
  });

  it('serves a valid OpenAPI 3.1 document that documents the error body', async () => {
    const res = await new Client(t.url).get('/api/docs/json');
    assert.equal(res.status, 200);
    const doc = await SwaggerParser.validate(structuredClone(res.body));
    assert.equal((doc as { openapi?: string }).openapi, '3.1.0');
    const paths = Object.keys(res.body.paths);
    assert.ok(paths.includes('/api/v1/auth/login'));
    assert.ok(paths.includes('/api/v1/practices/{practiceId}/audit-log'));
    assert.ok(res.body.components.schemas.Error, 'the shared error schema is a named component');
  });
});
