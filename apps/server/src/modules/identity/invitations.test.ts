import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, ageSecondFactor, createTestPractice, createUser, lastEmailTo, signIn, uniqueEmail } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const PASSWORD = 'a-fine-long-passphrase-for-invitees';

/** Invites `email` into a fresh practice as its owner; returns the practice and the e-mailed token. */
async function invite(email: string, roles: string[] = ['back_office']) {
  const practice = await createTestPractice(t.deps);
  const owner = await signIn(t, practice.owner);
  const res = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const mail = await lastEmailTo(t.deps, email);
  assert.ok(mail, 'the invitation was e-mailed');
  return { practice, owner, invitationId: res.body.id as string, token: mail.token };
}

async function membershipsOf(practiceId: string, email: string) {
  return t.deps.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id', 'memberships.roles'])
    .where('memberships.practice_id', '=', practiceId)
    .where('users.email', '=', email)
    .execute();
}

describe('invitations', () => {
  it('e-mails a link that previews the invitation and, accepted, creates the account and the membership', async () => {
    const email = uniqueEmail('invitee');
    const { practice, token } = await invite(email, ['clinician']);

    const preview = await new Client(t.url).get(`/api/v1/invitations/${token}`);
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body, { practiceName: practice.name, email, roles: ['clinician'], accountExists: false });

    const accept = await new Client(t.url).post(`/api/v1/invitations/${token}/accept`, { name: 'New Colleague', password: PASSWORD });
    assert.equal(accept.status, 200);
    const members = await membershipsOf(practice.id, email);
    assert.equal(members.length, 1);
    assert.deepEqual(members[0]?.roles, ['clinician']);
    const login = await new Client(t.url).post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.equal(login.status, 200);
    assert.equal(login.body.stage, 'totp_enrolment_required');

    const second = await new Client(t.url).post(`/api/v1/invitations/${token}/accept`, { name: 'Someone Else', password: PASSWORD });
    assert.equal(second.status, 400);
    assert.equal(second.body.error.code, 'token_invalid');
    assert.equal((await membershipsOf(practice.id, email)).length, 1);
  });

  it('answers an expired invitation with 410 and changes nothing', async () => {
    const email = uniqueEmail('late');
    const { practice, invitationId, token } = await invite(email);
    await t.deps.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', invitationId)
      .execute();

    assert.equal((await new Client(t.url).get(`/api/v1/invitations/${token}`)).status, 410);
    const accept = await new Client(t.url).post(`/api/v1/invitations/${token}/accept`, { name: 'Too Late', password: PASSWORD });
    assert.equal(accept.status, 410);
    assert.equal(accept.body.error.code, 'invitation_expired');
    assert.equal((await membershipsOf(practice.id, email)).length, 0);
    assert.equal(await t.deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst(), undefined);
    const inv = await t.deps.db.selectFrom('invitations').select('accepted_at').where('id', '=', invitationId).executeTakeFirstOrThrow();
    assert.equal(inv.accepted_at, null);
  });

  it('forbids a member who is not an owner to invite (403), and sends nothing', async () => {
    const practice = await createTestPractice(t.deps);
    const backOffice = await createUser(t.deps);
    await addMember(t.deps, practice.id, backOffice, ['back_office', 'billing', 'clinician']);
    const client = await signIn(t, backOffice);
    const email = uniqueEmail('nope');
    const res = await client.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles: ['owner'] });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal(await lastEmailTo(t.deps, email), undefined);
    const rows = await t.deps.db.selectFrom('invitations').select('id').where('practice_id', '=', practice.id).execute();
    assert.equal(rows.length, 0);
  });

  it('needs a recent second factor: an owner whose last code is older than STEP_UP_MINUTES gets 403 step_up_required', async () => {
    const practice = await createTestPractice(t.deps);
    const owner = await signIn(t, practice.owner);
    await ageSecondFactor(t.deps, practice.owner, t.deps.config.session.stepUpMinutes + 1);
    const email = uniqueEmail('stepup');
    const res = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles: ['clinician'] });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'step_up_required');
    assert.equal(await lastEmailTo(t.deps, email), undefined);
  });

  it('creates exactly one membership when the same invitation is accepted by 10 concurrent requests', async () => {
    const email = uniqueEmail('race');
    const { practice, token } = await invite(email);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        new Client(t.url).post(`/api/v1/invitations/${token}/accept`, { name: `Racer ${i}`, password: PASSWORD }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    assert.equal((await membershipsOf(practice.id, email)).length, 1);
    const users = await t.deps.db.selectFrom('users').select('id').where('email', '=', email).execute();
    assert.equal(users.length, 1);
  });
});

async function openInvitations(practiceId: string, email: string) {
  return t.deps.db
    .selectFrom('invitations')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

describe('invitations: one valid link, limits, no account oracle', () => {
  it('re-inviting an address revokes the previous link: one valid invitation per address and practice', async () => {
    const email = uniqueEmail('again');
    const { practice, owner, invitationId, token: first } = await invite(email, ['clinician']);
    const res = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles: ['back_office'] });
    assert.equal(res.status, 201);
    const second = (await lastEmailTo(t.deps, email))?.token;
    assert.ok(second && second !== first);

    const stale = await new Client(t.url).get(`/api/v1/invitations/${first}`);
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error.code, 'token_invalid');
    const staleAccept = await new Client(t.url).post(`/api/v1/invitations/${first}/accept`, { name: 'Old Link', password: PASSWORD });
    assert.equal(staleAccept.status, 400);
    assert.equal((await membershipsOf(practice.id, email)).length, 0);

    const list = await owner.get(`/api/v1/practices/${practice.id}/invitations`);
    const old = list.body.items.find((i: { id: string }) => i.id === invitationId);
    assert.ok(old.revokedAt, 'the replaced invitation is listed as revoked');
    assert.equal(list.body.items.find((i: { id: string }) => i.id === res.body.id).revokedAt, null);
    assert.deepEqual(
      (await openInvitations(practice.id, email)).map((i) => i.id),
      [res.body.id],
    );

    const accept = await new Client(t.url).post(`/api/v1/invitations/${second}/accept`, { name: 'New Link', password: PASSWORD });
    assert.equal(accept.status, 200);
    assert.deepEqual((await membershipsOf(practice.id, email))[0]?.roles, ['back_office']);
  });

  it('concurrent invitations to one address leave one valid link and stop at the limit per address', async () => {
    const email = uniqueEmail('burst');
    const practice = await createTestPractice(t.deps);
    const owner = await signIn(t, practice.owner);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => owner.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles: ['clinician'] })),
    );
    const limit = t.deps.config.invitations.maxPerAddress;
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [...Array<number>(limit).fill(201), ...Array<number>(8 - limit).fill(429)]);
    const refused = answers.find((a) => a.status === 429);
    assert.equal(refused?.body.error.code, 'rate_limited');
    assert.deepEqual(
      refused?.body.error.fields.map((f: { path: string }) => f.path),
      ['body.email'],
    );
    assert.equal((await openInvitations(practice.id, email)).length, 1);
    const mails = await t.deps.db.selectFrom('email_outbox').select('id').where('to_address', '=', email).execute();
    assert.equal(mails.length, limit);
  });

  it('answers the same whether or not the invitee already has an account', async () => {
    const practice = await createTestPractice(t.deps);
    const owner = await signIn(t, practice.owner);
    const existing = await createUser(t.deps);
    const fresh = uniqueEmail('fresh');
    const a = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email: existing.email, roles: ['clinician'] });
    const b = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email: fresh, roles: ['clinician'] });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    const shape = (r: typeof a) => ({
      keys: Object.keys(r.body).sort(),
      roles: r.body.roles,
      acceptedAt: r.body.acceptedAt,
      revokedAt: r.body.revokedAt,
      headers: [...r.headers.keys()].filter((h) => h !== 'date' && h !== 'content-length'),
    });
    assert.deepEqual(shape(a), shape(b));
    const mailA = await lastEmailTo(t.deps, existing.email);
    const mailB = await lastEmailTo(t.deps, fresh);
    assert.equal(mailA?.subject, mailB?.subject);
    assert.equal(mailA?.text.replace(/token=\S+/, ''), mailB?.text.replace(/token=\S+/, ''));
  });

  it('refuses a NUL byte in the invitee address on body.email and invites no one', async () => {
    const practice = await createTestPractice(t.deps);
    const owner = await signIn(t, practice.owner);
    const res = await owner.post(`/api/v1/practices/${practice.id}/invitations`, {
      email: `a\u0000${uniqueEmail('nul')}`,
      roles: ['clinician'],
    });
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.error.fields.map((f: { path: string }) => f.path),
      ['body.email'],
    );
    const rows = await t.deps.db.selectFrom('invitations').select('id').where('practice_id', '=', practice.id).execute();
    assert.equal(rows.length, 0);
  });
});

describe('invitations: the limit per practice', () => {
  let small: TestApp;
  before(async () => {
    small = await startTestApp({ INVITATION_MAX_PER_PRACTICE: '3' });
  });
  after(() => small.close());

  it('answers 429 once a practice sent its hourly number of invitations, and records nothing more', async () => {
    const practice = await createTestPractice(small.deps);
    const owner = await signIn(small, practice.owner);
    for (let i = 0; i < 3; i++) {
      const ok = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email: uniqueEmail(`n${i}`), roles: ['clinician'] });
      assert.equal(ok.status, 201);
    }
    const email = uniqueEmail('fourth');
    const res = await owner.post(`/api/v1/practices/${practice.id}/invitations`, { email, roles: ['clinician'] });
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'rate_limited');
    const rows = await small.deps.db.selectFrom('invitations').select('id').where('practice_id', '=', practice.id).execute();
    assert.equal(rows.length, 3);
    assert.equal(await lastEmailTo(small.deps, email), undefined);

    // Another practice is not held back by this one.
    const other = await createTestPractice(small.deps);
    const otherOwner = await signIn(small, other.owner);
    const elsewhere = await otherOwner.post(`/api/v1/practices/${other.id}/invitations`, { email, roles: ['clinician'] });
    assert.equal(elsewhere.status, 201);
  });
});
