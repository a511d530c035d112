import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { createUser, lastEmailTo, signIn, uniqueEmail } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

// From data/breached-passwords.txt, and long enough to pass the length rule.
const BREACHED = 'qwerty123456';
const NEW_PASSWORD = 'a-new-and-unbreached-passphrase-77';

describe('password reset', () => {
  it('answers 202 for an unknown and a known e-mail address alike, mailing only the known one', async () => {
    const user = await createUser(t.deps);
    const unknown = uniqueEmail('nobody');
    const a = await new Client(t.url).post('/api/v1/auth/password-reset', { email: unknown });
    const b = await new Client(t.url).post('/api/v1/auth/password-reset', { email: user.email });
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.deepEqual(a.body, b.body);
    assert.equal(await lastEmailTo(t.deps, unknown), undefined);
    assert.ok(await lastEmailTo(t.deps, user.email));
  });

  it('sets a new password from the e-mailed link: breached passwords are refused, sessions end, the token works once', async () => {
    const user = await createUser(t.deps);
    const signedIn = await signIn(t, user);
    assert.equal((await new Client(t.url).post('/api/v1/auth/password-reset', { email: user.email })).status, 202);
    const mail = await lastEmailTo(t.deps, user.email);
    assert.ok(mail);
    assert.match(mail.text, /reset-password\?token=/);

    const breached = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: mail.token, password: BREACHED });
    assert.equal(breached.status, 400);
    assert.equal(breached.body.error.code, 'validation_failed');
    assert.deepEqual(
      breached.body.error.fields.map((f: { path: string }) => f.path),
      ['body.password'],
    );
    // The refused attempt did not use the token or end the session.
    assert.equal((await signedIn.get('/api/v1/me')).status, 200);

    const ok = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: mail.token, password: NEW_PASSWORD });
    assert.equal(ok.status, 200);
    assert.equal((await signedIn.get('/api/v1/me')).status, 401);
    const open = await t.deps.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .where('revoked_at', 'is', null)
      .execute();
    assert.equal(open.length, 0);

    const old = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(old.status, 401);
    const fresh = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: NEW_PASSWORD });
    assert.equal(fresh.status, 200);

    const again = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', {
      token: mail.token,
      password: 'yet-another-fine-passphrase-88',
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'token_invalid');
    const still = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: NEW_PASSWORD });
    assert.equal(still.status, 200);
  });

  it('refuses an unknown token on body.token', async () => {
    const res = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', {
      token: 'x'.repeat(43),
      password: NEW_PASSWORD,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'token_invalid');
    assert.equal(res.body.error.fields[0].path, 'body.token');
  });
});
