import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { ageSecondFactor, createUser, nextCode, type TestUser } from '../../test/factories.ts';
import { normaliseRecoveryCode } from './recovery-codes.ts';
import { currentTotp } from './totp.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const CODE = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

/** A new account set up through the API: the recovery codes the enrolment answered, and a signed-in client. */
async function enrolled(): Promise<{ user: TestUser; codes: string[]; client: Client }> {
  const user = await createUser(t.deps, { enrolled: false });
  const client = new Client(t.url);
  await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  const enrolment = await client.post('/api/v1/auth/totp/enrolment');
  user.totpSecret = enrolment.body.secret;
  user.lastStep = Math.floor(Date.now() / 30_000);
  const confirm = await client.post('/api/v1/auth/totp/enrolment/confirm', {
    code: currentTotp(user.totpSecret, user.lastStep * 30_000 + 1000),
  });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return { user, codes: confirm.body.recoveryCodes, client };
}

/** A client at the password stage of a new sign-in. */
async function passwordStage(user: TestUser): Promise<Client> {
  const client = new Client(t.url);
  const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  assert.equal(login.body.stage, 'totp_required');
  return client;
}

async function auditActions(userId: string, action: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .select(['outcome', 'reason'])
    .where('user_id', '=', userId)
    .where('action', '=', action)
    .orderBy('at')
    .execute();
}

/** A six-digit code that matches none of the steps the server accepts right now. */
function wrongCode(secret: string): string {
  const now = Date.now();
  const valid = new Set([-1, 0, 1].map((d) => currentTotp(secret, now + d * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

describe('recovery codes', () => {
  it('are ten distinct codes of 60 bits answered once at enrolment, and only their hashes are kept', async () => {
    const { user, codes, client } = await enrolled();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, CODE);
    const rows = await t.deps.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', user.id).execute();
    assert.equal(rows.length, 10);
    const stored = JSON.stringify(rows.map((r) => ({ ...r, code_hash: r.code_hash.toString('hex') })));
    for (const c of codes) {
      assert.ok(!stored.includes(c) && !stored.includes(normaliseRecoveryCode(c)!), 'a code is stored in the clear');
      assert.ok(!stored.includes(Buffer.from(normaliseRecoveryCode(c)!).toString('hex')), 'a code is stored as bytes');
    }
    assert.deepEqual((await client.get('/api/v1/me/recovery-codes')).body.remaining, 10);
  });

  it('sign in once each instead of the app code, typed loosely; a used code is refused; the use is logged and mailed', async () => {
    const { user, codes } = await enrolled();
    const first = await passwordStage(user);
    // Upper case with spaces instead of dashes is the same code.
    const used = await first.post('/api/v1/auth/recovery-code', { code: codes[3]!.toUpperCase().replace(/-/g, ' ') });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    assert.equal(used.body.remaining, 9);
    const me = await first.get('/api/v1/me');
    assert.equal(me.body.stage, 'complete');
    assert.ok(me.body.secondFactorAt);
    assert.equal((await first.get('/api/v1/me/recovery-codes')).body.remaining, 9);

    const second = await passwordStage(user);
    const again = await second.post('/api/v1/auth/recovery-code', { code: codes[3] });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_recovery_code');
    assert.deepEqual(
      again.body.error.fields.map((f: { path: string }) => f.path),
      ['body.code'],
    );
    assert.equal((await second.get('/api/v1/me')).body.stage, 'totp_required');
    assert.equal((await second.get('/api/v1/me/sessions')).status, 401);
    assert.equal((await second.post('/api/v1/auth/recovery-code', { code: codes[4] })).status, 200);

    assert.deepEqual(
      (await auditActions(user.id, 'auth.recovery_code')).map((r) => r.outcome),
      ['ok', 'denied', 'ok'],
    );
    const mails = await t.deps.db
      .selectFrom('email_outbox')
      .select(['subject', 'body_text'])
      .where('to_address', '=', user.email)
      .orderBy('created_at')
      .execute();
    assert.equal(mails.length, 2);
    assert.match(mails[0]!.body_text, /9 (recovery code|herstelcode)/);
    assert.match(mails[1]!.body_text, /8 (recovery code|herstelcode)/);
    for (const m of mails) for (const c of codes) assert.ok(!m.body_text.includes(c));
  });

  it('of two concurrent uses of one code, exactly one signs in', async () => {
    const { user, codes } = await enrolled();
    const clients = await Promise.all([passwordStage(user), passwordStage(user)]);
    const answers = await Promise.all(clients.map((c) => c.post('/api/v1/auth/recovery-code', { code: codes[0] })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400]);
    const stages = await Promise.all(clients.map(async (c) => (await c.get('/api/v1/me')).body.stage));
    assert.deepEqual(stages.sort(), ['complete', 'totp_required']);
    const spent = await t.deps.db
      .selectFrom('recovery_codes')
      .select('id')
      .where('user_id', '=', user.id)
      .where('used_at', 'is not', null)
      .execute();
    assert.equal(spent.length, 1);
  });

  it('a wrong recovery code counts toward the lock-out exactly like a wrong app code', async () => {
    const { user, codes } = await enrolled();
    const client = await passwordStage(user);
    const max = t.deps.config.login.maxFailuresPerAccount;
    // Half wrong app codes, half wrong recovery codes: together they reach the limit.
    for (let i = 0; i < max; i++) {
      const res =
        i % 2 === 0
          ? await client.post('/api/v1/auth/totp/verify', { code: wrongCode(user.totpSecret) })
          : await client.post('/api/v1/auth/recovery-code', { code: 'aaaa-bbbb-cccc' });
      assert.equal(res.status, 400, `attempt ${i + 1}: ${JSON.stringify(res.body)}`);
    }
    const failures = await t.deps.db
      .selectFrom('login_attempts')
      .select('id')
      .where('email', '=', user.email)
      .where('success', '=', false)
      .execute();
    assert.equal(failures.length, max);
    // Locked out: even a right recovery code is refused, and it is not spent.
    const locked = await client.post('/api/v1/auth/recovery-code', { code: codes[0] });
    assert.equal(locked.status, 429);
    const unused = await t.deps.db
      .selectFrom('recovery_codes')
      .select('id')
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    assert.equal(unused.length, 10);
  });

  it('a new set needs a recent second factor, replaces the old set, and shows the remaining count', async () => {
    const { user, codes, client } = await enrolled();
    await ageSecondFactor(t.deps, user, t.deps.config.session.stepUpMinutes + 1);
    const refused = await client.post('/api/v1/me/recovery-codes');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'step_up_required');
    assert.equal((await client.get('/api/v1/me/recovery-codes')).body.remaining, 10);

    assert.equal((await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) })).status, 200);
    const fresh = await client.post('/api/v1/me/recovery-codes');
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.codes.length, 10);
    assert.equal(fresh.body.remaining, 10);
    assert.ok(fresh.body.codes.every((c: string) => !codes.includes(c)));
    assert.equal((await auditActions(user.id, 'auth.recovery_codes_regenerated')).length, 1);

    const old = await passwordStage(user);
    assert.equal((await old.post('/api/v1/auth/recovery-code', { code: codes[0] })).status, 400);
    assert.equal((await old.post('/api/v1/auth/recovery-code', { code: fresh.body.codes[0] })).status, 200);
    const status = await old.get('/api/v1/me/recovery-codes');
    assert.equal(status.body.remaining, 9);
    assert.ok(status.body.createdAt);
  });

  it('after a sign-in with a recovery code, a new authenticator app replaces the lost one (recent second factor)', async () => {
    const { user, codes } = await enrolled();
    const lostSecret = user.totpSecret;
    const client = await passwordStage(user);
    assert.equal((await client.post('/api/v1/auth/recovery-code', { code: codes[0] })).status, 200);
    const started = await client.post('/api/v1/me/authenticator');
    assert.equal(started.status, 200);
    const secret: string = started.body.secret;
    assert.notEqual(secret, lostSecret);
    const wrong = await client.post('/api/v1/me/authenticator/confirm', { code: wrongCode(secret) });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.fields[0].path, 'body.code');
    assert.equal((await client.post('/api/v1/me/authenticator/confirm', { code: currentTotp(secret) })).status, 200);
    assert.equal((await auditActions(user.id, 'auth.totp_replaced')).length, 1);

    // The lost app's codes no longer sign in; the new app's do; the other recovery codes still work.
    // The next time step is unused by either app and inside the server's window.
    const step = Math.floor(Date.now() / 30_000) + 1;
    const next = await passwordStage(user);
    assert.equal((await next.post('/api/v1/auth/totp/verify', { code: currentTotp(lostSecret, step * 30_000 + 1000) })).status, 400);
    user.totpSecret = secret;
    user.lastStep = step;
    assert.equal((await next.post('/api/v1/auth/totp/verify', { code: currentTotp(secret, step * 30_000 + 1000) })).status, 200);
    assert.equal((await next.get('/api/v1/me/recovery-codes')).body.remaining, 9);
    const mail = await t.deps.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', user.email)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(mail.subject, /authenticator/);

    // Without a recent second factor, no replacement starts.
    await ageSecondFactor(t.deps, user, t.deps.config.session.stepUpMinutes + 1);
    const stale = await next.post('/api/v1/me/authenticator');
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'step_up_required');
  });

  it('is refused to an account without a second factor and to a signed-out caller', async () => {
    const user = await createUser(t.deps, { enrolled: false });
    const client = new Client(t.url);
    assert.equal((await client.post('/api/v1/auth/recovery-code', { code: 'aaaa-bbbb-cccc' })).status, 401);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const res = await client.post('/api/v1/auth/recovery-code', { code: 'aaaa-bbbb-cccc' });
    assert.equal(res.status, 409);
    assert.equal((await client.get('/api/v1/me/recovery-codes')).status, 401);
    const short = await client.post('/api/v1/auth/recovery-code', { code: 'abc' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.fields[0].path, 'body.code');
  });
});
