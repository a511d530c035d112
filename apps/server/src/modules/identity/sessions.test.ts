import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type Reply, type TestApp } from '../../test/harness.ts';
import { createUser, nextCode, signIn, uniqueEmail } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

function withoutRequestId(r: Reply) {
  return { status: r.status, error: { ...r.body.error, requestId: undefined } };
}

describe('brute-force protection', () => {
  it('locks an account after 10 failed passwords, even for the right password, and answers an unknown account the same', async () => {
    const user = await createUser(t.deps);
    const unknown = uniqueEmail('nobody');
    const known: Reply[] = [];
    const ghost: Reply[] = [];
    for (let i = 0; i < 10; i++) {
      known.push(await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: `wrong-password-${i}` }));
      ghost.push(await new Client(t.url).post('/api/v1/auth/login', { email: unknown, password: `wrong-password-${i}` }));
    }
    for (let i = 0; i < 10; i++) {
      assert.equal(known[i]?.status, 401);
      assert.deepEqual(withoutRequestId(known[i]!), withoutRequestId(ghost[i]!));
    }
    const eleventh = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.body.error.code, 'rate_limited');
    assert.equal(eleventh.headers.getSetCookie().length, 0);
    const ghostEleventh = await new Client(t.url).post('/api/v1/auth/login', { email: unknown, password: user.password });
    assert.deepEqual(withoutRequestId(ghostEleventh), withoutRequestId(eleventh));
  });

  it('lets no more than 10 of 30 concurrent wrong passwords through to be checked', async () => {
    const user = await createUser(t.deps);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: `guess-number-${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    const right = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(right.status, 429);
  });

  it('still lets an account with 9 failed passwords sign in', async () => {
    const user = await createUser(t.deps);
    for (let i = 0; i < 9; i++) await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: `wrong-${i}-password` });
    const ok = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.equal(ok.status, 200);
  });
});

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Lax', async () => {
    const user = await createUser(t.deps);
    const login = await new Client(t.url).post('/api/v1/auth/login', { email: user.email, password: user.password });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cd_session='));
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    assert.match(cookie, /;\s*Path=\//i);
  });

  it('is rotated at login: a new value, and the previous session is revoked', async () => {
    const user = await createUser(t.deps);
    const client = await signIn(t, user);
    const previous = client.cookie;
    assert.ok(previous);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    assert.ok(client.cookie);
    assert.notEqual(client.cookie, previous);
    const stale = new Client(t.url);
    stale.cookie = previous;
    assert.equal((await stale.get('/api/v1/me')).status, 401);
    assert.equal((await client.post('/api/v1/auth/totp/verify', { code: nextCode(user) })).status, 200);
    assert.equal((await client.get('/api/v1/me')).body.stage, 'complete');
  });
});

describe('own sessions', () => {
  it('lists own sessions and revokes another one, whose cookie then gets 401', async () => {
    const user = await createUser(t.deps);
    const laptop = await signIn(t, user);
    const phone = await signIn(t, user);
    const list = await laptop.get('/api/v1/me/sessions');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 2);
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    assert.equal(current.length, 1);
    const other = list.body.items.find((s: { current: boolean }) => !s.current);

    assert.equal((await phone.get('/api/v1/me')).status, 200);
    assert.equal((await laptop.delete(`/api/v1/me/sessions/${other.id}`)).status, 200);
    assert.equal((await phone.get('/api/v1/me')).status, 401);
    assert.equal((await laptop.get('/api/v1/me')).status, 200);
    assert.equal((await laptop.get('/api/v1/me/sessions')).body.items.length, 1);
  });

  it("cannot revoke another account's session (404)", async () => {
    const alice = await signIn(t, await createUser(t.deps));
    const bob = await signIn(t, await createUser(t.deps));
    const bobSession = (await bob.get('/api/v1/me/sessions')).body.items[0].id;
    const res = await alice.delete(`/api/v1/me/sessions/${bobSession}`);
    assert.equal(res.status, 404);
    assert.equal((await bob.get('/api/v1/me')).status, 200);
  });
});

describe('ending a session', () => {
  it('is written to the access log with who, which session and from where; a refused attempt is logged as denied', async () => {
    const user = await createUser(t.deps);
    const laptop = await signIn(t, user);
    const phone = await signIn(t, user);
    const other = (await laptop.get('/api/v1/me/sessions')).body.items.find((s: { current: boolean }) => !s.current);
    assert.equal((await laptop.delete(`/api/v1/me/sessions/${other.id}`)).status, 200);
    assert.equal((await phone.get('/api/v1/me')).status, 401);
    // Ending it again, or a session of another account, is refused and logged as such.
    assert.equal((await laptop.delete(`/api/v1/me/sessions/${other.id}`)).status, 404);
    const stranger = await signIn(t, await createUser(t.deps));
    const strangers = (await stranger.get('/api/v1/me/sessions')).body.items[0].id;
    assert.equal((await laptop.delete(`/api/v1/me/sessions/${strangers}`)).status, 404);
    assert.equal((await stranger.get('/api/v1/me')).status, 200);

    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'practice_id', 'entity_type', 'entity_id', 'data_category', 'ip_address', 'request_id'])
      .where('user_id', '=', user.id)
      .where('action', '=', 'auth.session.end')
      .orderBy('at')
      .execute();
    assert.deepEqual(
      // Compared as sets: entries of requests within one millisecond share their time.
      rows.map((r) => [r.outcome, r.entity_id, r.practice_id, r.entity_type, r.data_category].join(' ')).sort(),
      [
        ['ok', other.id, null, 'session', 'account'],
        ['denied', other.id, null, 'session', 'account'],
        ['denied', strangers, null, 'session', 'account'],
      ]
        .map((r) => r.join(' '))
        .sort(),
    );
    assert.ok(rows.every((r) => r.ip_address === '127.0.0.1' && r.request_id));
  });
});

describe('idle timeout', () => {
  let short: TestApp;
  before(async () => {
    short = await startTestApp({ SESSION_IDLE_MINUTES: '1' });
  });
  after(() => short.close());

  it('ends a session unused for longer than the idle timeout', async () => {
    const user = await createUser(short.deps);
    const client = await signIn(short, user);
    assert.equal((await client.get('/api/v1/me')).status, 200);
    await short.deps.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 61_000) })
      .where('user_id', '=', user.id)
      .execute();
    const res = await client.get('/api/v1/me');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });

  it('keeps a session used within the idle timeout', async () => {
    const user = await createUser(short.deps);
    const client = await signIn(short, user);
    await short.deps.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 45_000) })
      .where('user_id', '=', user.id)
      .execute();
    assert.equal((await client.get('/api/v1/me')).status, 200);
  });
});
