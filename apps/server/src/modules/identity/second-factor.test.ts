import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { createUser } from '../../test/factories.ts';
import { currentTotp } from './totp.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A six-digit code that matches none of the steps the server accepts right now. */
function wrongCode(secret: string): string {
  const now = Date.now();
  const valid = new Set([-1, 0, 1].map((d) => currentTotp(secret, now + d * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

describe('second factor', () => {
  it('enrols an authenticator: a wrong first code is refused on body.code, the right one completes sign-in', async () => {
    const user = await createUser(t.deps, { enrolled: false });
    const client = new Client(t.url);
    const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(login.status, 200);
    assert.equal(login.body.stage, 'totp_enrolment_required');

    const enrolment = await client.post('/api/v1/auth/totp/enrolment');
    assert.equal(enrolment.status, 200);
    const secret: string = enrolment.body.secret;
    assert.match(secret, /^[A-Z2-7]+$/);
    assert.match(enrolment.body.otpauthUrl, /^otpauth:\/\/totp\//);

    const wrong = await client.post('/api/v1/auth/totp/enrolment/confirm', { code: wrongCode(secret) });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'invalid_totp_code');
    assert.deepEqual(
      wrong.body.error.fields.map((f: { path: string }) => f.path),
      ['body.code'],
    );
    assert.equal((await client.get('/api/v1/me')).body.stage, 'totp_enrolment_required');

    const right = await client.post('/api/v1/auth/totp/enrolment/confirm', { code: currentTotp(secret) });
    assert.equal(right.status, 200);
    const me = await client.get('/api/v1/me');
    assert.equal(me.body.stage, 'complete');
    assert.equal(me.body.totpEnrolled, true);
    assert.equal((await client.get('/api/v1/me/sessions')).status, 200);
  });

  it('refuses a TOTP code whose time step was already used, on the next sign-in', async () => {
    const user = await createUser(t.deps);
    // The next step stays inside the server's ±1 window for at least 30 s, so the only
    // reason left to refuse it the second time is that it was used.
    const step = Math.floor(Date.now() / 30_000) + 1;
    const code = currentTotp(user.totpSecret, step * 30_000 + 1000);
    user.lastStep = step;

    const first = new Client(t.url);
    await first.post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal((await first.post('/api/v1/auth/totp/verify', { code })).status, 200);

    const second = new Client(t.url);
    await second.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const replay = await second.post('/api/v1/auth/totp/verify', { code });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error.code, 'invalid_totp_code');
    const me = await second.get('/api/v1/me');
    assert.equal(me.body.stage, 'totp_required');
    assert.equal((await second.get('/api/v1/me/sessions')).status, 401);
  });

  it('lets no more than 10 of 30 concurrent wrong codes through to be checked', async () => {
    const user = await createUser(t.deps);
    const client = new Client(t.url);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const code = wrongCode(user.totpSecret);
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.post('/api/v1/auth/totp/verify', { code })));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 400).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20);
  });
});
