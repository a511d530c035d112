import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Client, startTestApp, type Reply, type TestApp } from '../../test/harness.ts';
import { createUser, lastEmailTo, signIn, uniqueEmail } from '../../test/factories.ts';
import { hashToken } from '../../platform/crypto.ts';
import { createBoss, QUEUES } from '../../platform/jobs.ts';
import { processPasswordResetRequest, startPasswordResets } from './password-reset.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

// From data/breached-passwords.txt, and long enough to pass the length rule.
const BREACHED = 'qwerty123456';
const NEW_PASSWORD = 'a-new-and-unbreached-passphrase-77';

function askReset(email: string, from?: string): Promise<Reply> {
  return new Client(t.url).request('POST', '/api/v1/auth/password-reset', { email }, from ? { 'x-forwarded-for': from } : {});
}

/** Ids of the reset requests for an address that wait in the `password.reset` queue. */
async function queuedRequests(email: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    SELECT r.id FROM password_reset_requests r
      JOIN pgboss.job j ON j.name = ${QUEUES.passwordReset} AND j.data->>'requestId' = r.id::text
     WHERE r.email = ${email} AND r.processed_at IS NULL`.execute(t.deps.db);
  return r.rows.map((row) => row.id);
}

/** Runs the queued jobs of an address through the job's handler, all at once. */
async function runResetJobs(email: string): Promise<number> {
  const ids = await queuedRequests(email);
  await Promise.all(ids.map((id) => processPasswordResetRequest(t.deps, id)));
  return ids.length;
}

async function resetMailsTo(email: string) {
  return t.deps.db.selectFrom('email_outbox').select(['body_text']).where('to_address', '=', email).execute();
}

async function validTokens(userId: string) {
  return t.deps.db
    .selectFrom('password_resets')
    .select(['id', 'token_hash'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .execute();
}

/** The headers of an answer, minus the one that names the second it was sent in. */
function headersOf(reply: Reply): Record<string, string> {
  return Object.fromEntries([...reply.headers.entries()].filter(([name]) => name !== 'date'));
}

describe('password reset', () => {
  it('answers a known and an unknown address identically (status, body, headers) and leaves the account lookup to the job', async () => {
    const user = await createUser(t.deps);
    const unknown = uniqueEmail('nobody');
    const a = await askReset(unknown);
    const b = await askReset(user.email);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.deepEqual(a.body, b.body);
    assert.deepEqual(headersOf(a), headersOf(b));

    // The request path only recorded the request and queued its job: no token, no e-mail yet.
    assert.equal((await validTokens(user.id)).length, 0);
    assert.equal(await lastEmailTo(t.deps, user.email), undefined);
    assert.equal((await queuedRequests(unknown)).length, 1);
    assert.equal((await queuedRequests(user.email)).length, 1);

    assert.equal(await runResetJobs(unknown), 1);
    assert.equal(await runResetJobs(user.email), 1);
    assert.equal(await lastEmailTo(t.deps, unknown), undefined);
    assert.ok(await lastEmailTo(t.deps, user.email));
    const outcomes = await t.deps.db
      .selectFrom('password_reset_requests')
      .select(['email', 'outcome'])
      .where('email', 'in', [unknown, user.email])
      .orderBy('email')
      .execute();
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      [unknown, user.email].sort().map((e) => (e === unknown ? 'no_account' : 'sent')),
    );
  });

  it('sets a new password from the e-mailed link: breached passwords are refused, sessions end, the token works once', async () => {
    const user = await createUser(t.deps);
    const signedIn = await signIn(t, user);
    assert.equal((await askReset(user.email)).status, 202);
    await runResetJobs(user.email);
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

  it('revokes the previous link when a new one is issued', async () => {
    const user = await createUser(t.deps);
    await askReset(user.email);
    await runResetJobs(user.email);
    const first = await lastEmailTo(t.deps, user.email);
    await askReset(user.email);
    await runResetJobs(user.email);
    const second = await lastEmailTo(t.deps, user.email);
    assert.ok(first && second && first.token !== second.token);

    const stale = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: first.token, password: NEW_PASSWORD });
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error.code, 'token_invalid');
    const current = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: second.token, password: NEW_PASSWORD });
    assert.equal(current.status, 200);
  });

  it('survives a storm of 40 concurrent requests for one account: one valid token, at most the hourly limit of e-mails', async () => {
    const user = await createUser(t.deps);
    const answers = await Promise.all(Array.from({ length: 40 }, () => askReset(user.email)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]));
    assert.equal(await runResetJobs(user.email), 40);

    const limit = t.deps.config.passwordReset.maxPerAccount;
    const mails = await resetMailsTo(user.email);
    assert.equal(mails.length, limit);
    const valid = await validTokens(user.id);
    assert.equal(valid.length, 1);
    const outcomes = await t.deps.db
      .selectFrom('password_reset_requests')
      .select((e) => ['outcome', e.fn.countAll<string>().as('n')])
      .where('email', '=', user.email)
      .groupBy('outcome')
      .orderBy('outcome')
      .execute();
    assert.deepEqual(
      outcomes.map((o) => [o.outcome, Number(o.n)]),
      [
        ['limited', 40 - limit],
        ['sent', limit],
      ],
    );

    // Of the e-mailed links, exactly the valid token's works; the replaced ones are refused.
    const tokens = mails.map((m) => /token=([A-Za-z0-9_-]+)/.exec(m.body_text)?.[1] ?? '');
    const live = tokens.filter((tok) => hashToken(tok).equals(valid[0]?.token_hash ?? Buffer.alloc(0)));
    assert.equal(live.length, 1);
    for (const tok of tokens.filter((x) => !live.includes(x))) {
      const r = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: tok, password: NEW_PASSWORD });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'token_invalid');
    }
    const ok = await new Client(t.url).post('/api/v1/auth/password-reset/confirm', { token: live[0], password: NEW_PASSWORD });
    assert.equal(ok.status, 200);
  });

  it('a retried job does its work once', async () => {
    const user = await createUser(t.deps);
    await askReset(user.email);
    const [id] = await queuedRequests(user.email);
    assert.ok(id);
    await processPasswordResetRequest(t.deps, id);
    await processPasswordResetRequest(t.deps, id);
    assert.equal((await resetMailsTo(user.email)).length, 1);
    assert.equal((await validTokens(user.id)).length, 1);
  });

  it('forgets processed requests after a day, keeping the recent ones that the limits count', async () => {
    const old = uniqueEmail('old');
    await t.deps.db
      .insertInto('password_reset_requests')
      .values({
        email: old,
        ip_address: '192.0.2.7',
        at: new Date(Date.now() - 25 * 3_600_000),
        processed_at: new Date(),
        outcome: 'no_account',
      })
      .execute();
    const recent = uniqueEmail('recent');
    await askReset(recent);
    await runResetJobs(recent);
    const left = await t.deps.db.selectFrom('password_reset_requests').select('email').where('email', 'in', [old, recent]).execute();
    assert.deepEqual(
      left.map((r) => r.email),
      [recent],
    );
  });

  it('the password.reset worker e-mails the link', async () => {
    const user = await createUser(t.deps);
    const boss = createBoss(process.env.TEST_DATABASE_URL ?? '', { workers: true });
    await boss.start();
    try {
      await startPasswordResets(boss, t.deps);
      assert.equal((await askReset(user.email)).status, 202);
      const deadline = Date.now() + 20_000;
      let mail = await lastEmailTo(t.deps, user.email);
      while (!mail && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        mail = await lastEmailTo(t.deps, user.email);
      }
      assert.ok(mail, 'the worker sent the e-mail');
      assert.equal((await validTokens(user.id)).length, 1);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
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

  it('refuses a NUL byte in the e-mail address on body.email and records nothing', async () => {
    const email = `nul\u0000${uniqueEmail('nul')}`;
    const res = await askReset(email);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(
      res.body.error.fields.map((f: { path: string }) => f.path),
      ['body.email'],
    );
    const rows = await t.deps.db.selectFrom('password_reset_requests').select('id').where('email', 'like', 'nul%').execute();
    assert.equal(rows.length, 0);
  });
});

describe('password reset, per source address', () => {
  let limited: TestApp;
  before(async () => {
    limited = await startTestApp({ TRUST_PROXY: 'true', PASSWORD_RESET_MAX_PER_ADDRESS: '5' });
  });
  after(() => limited.close());

  const fromAddress = () => `2001:db8::${crypto.randomBytes(2).toString('hex')}:${crypto.randomBytes(2).toString('hex')}`;
  const ask = (email: string, from: string) =>
    new Client(limited.url).request('POST', '/api/v1/auth/password-reset', { email }, { 'x-forwarded-for': from });

  it('accepts the limit of requests per hour from one address, concurrent or not, then answers 429 to known and unknown alike', async () => {
    const from = fromAddress();
    const user = await createUser(limited.deps);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? user.email : uniqueEmail('storm'), from)));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429, 429, 429, 429, 429, 429, 429]);
    const refused = answers.filter((a) => a.status === 429);
    assert.ok(refused.every((a) => a.body.error.code === 'rate_limited'));
    const recorded = await limited.deps.db.selectFrom('password_reset_requests').select('id').where('ip_address', '=', from).execute();
    assert.equal(recorded.length, 5);

    // Another address is not held back by this one.
    assert.equal((await ask(user.email, fromAddress())).status, 202);
  });
});
