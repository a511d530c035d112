import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, ageSecondFactor, createTestPractice, createUser, signIn, type TestUser } from '../../test/factories.ts';
import { currentTotp } from './totp.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A practice with its owner signed in and a clinician who set up the app (with recovery codes) and is signed in twice. */
async function world() {
  const practice = await createTestPractice(t.deps);
  const owner = await signIn(t, practice.owner);
  const member = await createUser(t.deps, { enrolled: false });
  const membershipId = await addMember(t.deps, practice.id, member, ['clinician']);
  const phone = new Client(t.url);
  await phone.post('/api/v1/auth/login', { email: member.email, password: member.password });
  member.totpSecret = (await phone.post('/api/v1/auth/totp/enrolment')).body.secret;
  member.lastStep = Math.floor(Date.now() / 30_000);
  const confirm = await phone.post('/api/v1/auth/totp/enrolment/confirm', {
    code: currentTotp(member.totpSecret, member.lastStep * 30_000 + 1000),
  });
  const codes: string[] = confirm.body.recoveryCodes;
  const laptop = await signIn(t, member);
  return { practice, owner, member, membershipId, codes, sessions: [phone, laptop], url: resetUrl(practice.id, membershipId) };
}

function resetUrl(practiceId: string, membershipId: string) {
  return `/api/v1/practices/${practiceId}/staff/${membershipId}/second-factor/reset`;
}

async function secondFactorOf(user: TestUser) {
  const row = await t.deps.db
    .selectFrom('users')
    .select(['totp_secret_enc', 'totp_enrolled_at'])
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  const codes = await t.deps.db.selectFrom('recovery_codes').select('id').where('user_id', '=', user.id).execute();
  return { enrolled: row.totp_enrolled_at !== null && row.totp_secret_enc !== null, codes: codes.length };
}

describe("an owner resets a member's authenticator", () => {
  it('removes the app and the codes, ends every session of the member, who sets up the app again at the next sign-in', async () => {
    const w = await world();
    const res = await w.owner.post(w.url);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await secondFactorOf(w.member), { enrolled: false, codes: 0 });
    for (const s of w.sessions) assert.equal((await s.get('/api/v1/me')).status, 401);

    const again = new Client(t.url);
    const login = await again.post('/api/v1/auth/login', { email: w.member.email, password: w.member.password });
    assert.equal(login.body.stage, 'totp_enrolment_required');
    // Neither the old app's code nor an old recovery code gets past the set-up.
    assert.equal((await again.post('/api/v1/auth/recovery-code', { code: w.codes[0] })).status, 409);
    assert.equal((await again.post('/api/v1/auth/totp/verify', { code: currentTotp(w.member.totpSecret) })).status, 409);
    assert.equal((await again.get('/api/v1/me/sessions')).status, 401);
    const secret: string = (await again.post('/api/v1/auth/totp/enrolment')).body.secret;
    const confirm = await again.post('/api/v1/auth/totp/enrolment/confirm', { code: currentTotp(secret) });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body.recoveryCodes.length, 10);
    assert.equal((await again.get('/api/v1/me')).body.stage, 'complete');
  });

  it('is in the access log (who reset whose membership) and the member is told by e-mail, without a code or link', async () => {
    const w = await world();
    assert.equal((await w.owner.post(w.url)).status, 200);
    const practiceEntry = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('practice_id', '=', w.practice.id)
      .where('action', '=', 'staff.second_factor_reset')
      .execute();
    assert.equal(practiceEntry.length, 1);
    assert.equal(practiceEntry[0]!.user_id, w.practice.owner.id);
    assert.equal(practiceEntry[0]!.entity_type, 'membership');
    assert.equal(practiceEntry[0]!.entity_id, w.membershipId);
    assert.equal(practiceEntry[0]!.outcome, 'ok');
    const accountEntry = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('practice_id', 'is', null)
      .where('action', '=', 'auth.second_factor_reset')
      .where('entity_id', '=', w.member.id)
      .execute();
    assert.equal(accountEntry.length, 1);
    assert.equal(accountEntry[0]!.user_id, w.practice.owner.id);

    const mail = await t.deps.db
      .selectFrom('email_outbox')
      .select(['subject', 'body_text'])
      .where('to_address', '=', w.member.email)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(mail.subject, /authenticator/);
    assert.ok(mail.body_text.includes(w.practice.name));
    assert.doesNotMatch(mail.body_text, /https?:|token=/);
  });

  it('needs a recent second factor', async () => {
    const w = await world();
    await ageSecondFactor(t.deps, w.practice.owner, t.deps.config.session.stepUpMinutes + 1);
    const res = await w.owner.post(w.url);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'step_up_required');
    assert.deepEqual(await secondFactorOf(w.member), { enrolled: true, codes: 10 });
    assert.equal((await w.sessions[1]!.get('/api/v1/me')).body.stage, 'complete');
  });

  it('is for owners only: back office and clinicians get 403, and nobody resets their own', async () => {
    const w = await world();
    const backOffice = await createUser(t.deps);
    await addMember(t.deps, w.practice.id, backOffice, ['back_office', 'clinician']);
    const bo = await signIn(t, backOffice);
    const refused = await bo.post(w.url);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    // The member cannot reset another member either, nor themself.
    const ownMembership = await t.deps.db
      .selectFrom('memberships')
      .select('id')
      .where('practice_id', '=', w.practice.id)
      .where('user_id', '=', w.practice.owner.id)
      .executeTakeFirstOrThrow();
    assert.equal((await w.sessions[1]!.post(resetUrl(w.practice.id, ownMembership.id))).status, 403);
    const own = await w.owner.post(resetUrl(w.practice.id, ownMembership.id));
    assert.equal(own.status, 403);
    assert.deepEqual(await secondFactorOf(w.member), { enrolled: true, codes: 10 });
    assert.deepEqual(await secondFactorOf(w.practice.owner), { enrolled: true, codes: 0 });
    assert.equal((await w.owner.get('/api/v1/me')).body.stage, 'complete');
  });

  it("answers 404 for another practice's member, in the own practice and in the other's", async () => {
    const w = await world();
    const other = await createTestPractice(t.deps);
    const otherOwner = await signIn(t, other.owner);
    // The other practice's owner, naming this practice: not a member, 404.
    assert.equal((await otherOwner.post(w.url)).status, 404);
    // The other practice's owner, naming their own practice with this practice's membership: 404.
    const res = await otherOwner.post(resetUrl(other.id, w.membershipId));
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
    assert.deepEqual(await secondFactorOf(w.member), { enrolled: true, codes: 10 });
    for (const s of w.sessions) assert.equal((await s.get('/api/v1/me')).status, 200);
  });

  it('refuses a member who left the practice', async () => {
    const w = await world();
    await t.deps.db.updateTable('memberships').set({ active: false }).where('id', '=', w.membershipId).execute();
    const res = await w.owner.post(w.url);
    assert.equal(res.status, 409);
    assert.deepEqual(await secondFactorOf(w.member), { enrolled: true, codes: 10 });
  });
});
