import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { createUser, nextCode, signIn } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('sign-in', () => {
  it('asks for the second factor after a correct password, and completes with a TOTP code', async () => {
    const user = await createUser(t.deps);
    const client = new Client(t.url);
    const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(login.status, 200);
    assert.equal(login.body.stage, 'totp_required');
    const before2fa = await client.get('/api/v1/me/sessions');
    assert.equal(before2fa.status, 401);
    assert.equal(before2fa.body.error.code, 'second_factor_required');
    const verify = await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) });
    assert.equal(verify.status, 200);
    const me = await client.get('/api/v1/me');
    assert.equal(me.body.stage, 'complete');
    assert.equal(me.body.email, user.email);
  });

  it('answers a wrong password and an unknown account identically', async () => {
    const user = await createUser(t.deps);
    const wrong = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: 'not-the-password-at-all' });
    const unknown = await new Client(t.url).post('/api/v1/auth/login', {
      email: `nobody-${Date.now()}@test.example`,
      password: 'not-the-password-at-all',
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual({ ...wrong.body.error, requestId: undefined }, { ...unknown.body.error, requestId: undefined });
  });

  it('logs out so the old cookie no longer works', async () => {
    const user = await createUser(t.deps);
    const client = await signIn(t, user);
    const cookie = client.cookie;
    assert.equal((await client.post('/api/v1/auth/logout')).status, 200);
    const stale = new Client(t.url);
    stale.cookie = cookie;
    assert.equal((await stale.get('/api/v1/me')).status, 401);
  });
});
