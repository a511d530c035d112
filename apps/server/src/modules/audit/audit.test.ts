import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import {
  addMember,
  ageSecondFactor,
  auditCount,
  createPopulatedPractice,
  createUser,
  nextCode,
  signIn,
  type PopulatedPractice,
} from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function lastEntry(practiceId: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain_id', '=', practiceId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

/** Runs `act` and asserts it added exactly one entry to the practice's log; returns that entry. */
async function exactlyOneEntry(practiceId: string, act: () => Promise<{ status: number }>, expectStatus: number) {
  const before = await auditCount(t.deps, practiceId);
  const res = await act();
  assert.equal(res.status, expectStatus);
  assert.equal(await auditCount(t.deps, practiceId), before + 1);
  return lastEntry(practiceId);
}

describe('access log entries', () => {
  it('writes exactly one entry for each audited read and change, naming the user', async () => {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const base = `/api/v1/practices/${p.id}`;
    const cases: [string, () => Promise<{ status: number }>, number][] = [
      ['staff.list', () => owner.get(`${base}/staff`), 200],
      ['practice.update', () => owner.patch(base, { name: 'Renamed practice' }), 200],
      ['location.create', () => owner.post(`${base}/locations`, { name: 'Second location' }), 201],
      ['location.update', () => owner.patch(`${base}/locations/${p.locationId}`, { active: false }), 200],
      ['room.create', () => owner.post(`${base}/rooms`, { locationId: p.locationId, name: 'Room 2' }), 201],
      [
        'service.create',
        () => owner.post(`${base}/services`, { name: 'Intake', defaultDurationMinutes: 60, allowedModes: ['video'] }),
        201,
      ],
      ['staff.update', () => owner.patch(`${base}/staff/${p.clinicianMembershipId}`, { agbCode: '94000001' }), 200],
      ['staff.working_hours.set', () => owner.put(`${base}/staff/${p.clinicianMembershipId}/working-hours`, { items: [] }), 200],
      ['staff.invite', () => owner.post(`${base}/invitations`, { email: 'colleague@test.example', roles: ['clinician'] }), 201],
      ['audit_log.read', () => owner.get(`${base}/audit-log`), 200],
    ];
    for (const [action, act, status] of cases) {
      const entry = await exactlyOneEntry(p.id, act, status);
      assert.equal(entry.action, action);
      assert.equal(entry.outcome, 'ok');
      assert.equal(entry.user_id, p.owner.id);
      assert.equal(entry.practice_id, p.id);
      assert.ok(entry.request_id, `${action} carries the request id`);
      assert.ok(entry.ip_address, `${action} carries the source address`);
    }
  });

  it("writes exactly one denied entry when a non-member tries another practice's route", async () => {
    const p = await createPopulatedPractice(t.deps);
    const intruder = await createUser(t.deps);
    const client = await signIn(t, intruder);
    const entry = await exactlyOneEntry(p.id, () => client.get(`/api/v1/practices/${p.id}/staff`), 404);
    assert.equal(entry.outcome, 'denied');
    assert.equal(entry.user_id, intruder.id);
  });

  it('writes exactly one denied entry when a member without the role tries an owner action', async () => {
    const p = await createPopulatedPractice(t.deps);
    const member = await createUser(t.deps);
    await addMember(t.deps, p.id, member, ['back_office']);
    const client = await signIn(t, member);
    const entry = await exactlyOneEntry(p.id, () => client.post(`/api/v1/practices/${p.id}/locations`, { name: 'Mine now' }), 403);
    assert.equal(entry.outcome, 'denied');
    assert.equal(entry.user_id, member.id);
    assert.equal(entry.reason, 'forbidden');
  });
});

describe('append-only log', () => {
  it('is refused UPDATE, DELETE and TRUNCATE: the application role lacks the rights, and triggers refuse even an owner', async () => {
    const p = await createPopulatedPractice(t.deps);
    const { db } = t.deps;
    // The server's role: no such rights at all.
    await assert.rejects(
      db.updateTable('audit_log').set({ reason: 'rewritten' }).where('chain_id', '=', p.id).execute(),
      /permission denied/,
    );
    await assert.rejects(db.deleteFrom('audit_log').where('chain_id', '=', p.id).execute(), /permission denied/);
    await assert.rejects(sql`TRUNCATE audit_log`.execute(db), /permission denied/);
    await assert.rejects(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db), /must be owner/);
    await assert.rejects(sql`SET session_replication_role = replica`.execute(db), /permission denied/);
    await assert.rejects(sql`UPDATE audit_chain_heads SET last_seq = 0`.execute(db), /permission denied/);
    await assert.rejects(
      sql`INSERT INTO audit_links (chain_id, seq, log_id, v, prev_hash, hash) VALUES (${p.id}, 999, 1, 2, '', '')`.execute(db),
      /permission denied/,
    );
    // A role with the rights (the superuser) still meets the triggers, inside a transaction that is
    // always rolled back, so a missing guard cannot wipe other tests' entries.
    const admin = t.admin();
    await assert.rejects(admin.updateTable('audit_log').set({ reason: 'rewritten' }).where('chain_id', '=', p.id).execute(), /append-only/);
    await assert.rejects(admin.deleteFrom('audit_log').where('chain_id', '=', p.id).execute(), /append-only/);
    await assert.rejects(
      admin.transaction().execute(async (tx) => {
        await sql`TRUNCATE audit_log`.execute(tx);
        throw new Error('TRUNCATE was allowed');
      }),
      /append-only/,
    );
    assert.equal(await auditCount(t.deps, p.id), 1);
  });

  it('detects a changed entry: verify reports intact:false at that entry', async () => {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    for (let i = 0; i < 4; i++) assert.equal((await owner.get(`/api/v1/practices/${p.id}/staff`)).status, 200);
    const clean = await owner.post(`/api/v1/practices/${p.id}/audit-log/verify`);
    assert.equal(clean.status, 200);
    assert.equal(clean.body.intact, true);
    assert.equal(clean.body.checked, 5);
    assert.equal(clean.body.firstBrokenSeq, null);

    const tamperedSeq = 3;
    const target = await t.deps.db
      .selectFrom('audit_links')
      .select('log_id')
      .where('chain_id', '=', p.id)
      .where('seq', '=', String(tamperedSeq))
      .executeTakeFirstOrThrow();
    // The attacker controls the database: as a superuser, with the triggers switched off for the session.
    await t
      .admin()
      .connection()
      .execute(async (c) => {
        await sql`SET session_replication_role = replica`.execute(c);
        try {
          await c.updateTable('audit_log').set({ reason: 'nothing to see here' }).where('id', '=', target.log_id).execute();
        } finally {
          await sql`RESET session_replication_role`.execute(c);
        }
      });
    const res = await owner.post(`/api/v1/practices/${p.id}/audit-log/verify`);
    assert.equal(res.status, 200);
    assert.equal(res.body.intact, false);
    assert.equal(res.body.firstBrokenSeq, tamperedSeq);
  });
});

describe('reading the log', () => {
  async function practiceWithActivity(): Promise<{ p: PopulatedPractice; owner: Client; memberId: string }> {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const member = await createUser(t.deps);
    await addMember(t.deps, p.id, member, ['back_office']);
    const client = await signIn(t, member);
    for (let i = 0; i < 3; i++) {
      await owner.get(`/api/v1/practices/${p.id}/staff`);
      await client.get(`/api/v1/practices/${p.id}/staff`);
    }
    return { p, owner, memberId: member.id };
  }

  it('filters by user', async () => {
    const { p, owner, memberId } = await practiceWithActivity();
    const res = await owner.get(`/api/v1/practices/${p.id}/audit-log?userId=${memberId}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 3);
    assert.ok(res.body.items.every((e: { userId: string; action: string }) => e.userId === memberId && e.action === 'staff.list'));
    // Reading the log chains what is pending: every entry shown has its chain position.
    assert.ok(res.body.items.every((e: { seq: number | null }) => Number.isInteger(e.seq) && (e.seq ?? 0) > 0));
  });

  it('filters by period: from inclusive, to exclusive', async () => {
    const { p, owner } = await practiceWithActivity();
    const all = (await owner.get(`/api/v1/practices/${p.id}/audit-log?limit=500`)).body.items as { id: number; at: string }[];
    const oldestFirst = [...all].sort((x, y) => x.id - y.id);
    const from = oldestFirst[2]!.at;
    const to = oldestFirst[5]!.at;
    const res = await owner.get(`/api/v1/practices/${p.id}/audit-log?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    assert.equal(res.status, 200);
    const expected = all.filter((e) => e.at >= from && e.at < to).map((e) => e.id);
    assert.ok(expected.length > 0);
    assert.deepEqual(
      res.body.items.map((e: { id: number }) => e.id),
      expected,
    );
  });

  it('needs the owner role and a recent second factor', async () => {
    const { p, owner } = await practiceWithActivity();
    const member = await createUser(t.deps);
    await addMember(t.deps, p.id, member, ['back_office', 'billing', 'clinician']);
    const notOwner = await (await signIn(t, member)).get(`/api/v1/practices/${p.id}/audit-log`);
    assert.equal(notOwner.status, 403);
    assert.equal(notOwner.body.error.code, 'forbidden');

    await ageSecondFactor(t.deps, p.owner, t.deps.config.session.stepUpMinutes + 1);
    const stale = await owner.get(`/api/v1/practices/${p.id}/audit-log`);
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'step_up_required');
    assert.equal((await owner.post(`/api/v1/practices/${p.id}/audit-log/verify`)).status, 403);

    assert.equal((await owner.post('/api/v1/auth/totp/verify', { code: nextCode(p.owner) })).status, 200);
    assert.equal((await owner.get(`/api/v1/practices/${p.id}/audit-log`)).status, 200);
  });
});

describe('hash chain under concurrency', () => {
  it('stays intact with contiguous chain positions after 50 concurrent audited requests', async () => {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const member = await createUser(t.deps);
    await addMember(t.deps, p.id, member, ['back_office']);
    const other = await signIn(t, member);
    const before = await auditCount(t.deps, p.id);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 5 === 0
          ? owner.post(`/api/v1/practices/${p.id}/locations`, { name: `Location ${i}` })
          : (i % 2 ? owner : other).get(`/api/v1/practices/${p.id}/staff`),
      ),
    );
    assert.ok(answers.every((r) => r.status === 200 || r.status === 201));
    const verify = await owner.post(`/api/v1/practices/${p.id}/audit-log/verify`);
    assert.equal(verify.body.intact, true);
    assert.equal(verify.body.checked, before + 50);
    // Every entry is chained once, at contiguous positions (the verify entry itself is pending).
    const links = await t.deps.db
      .selectFrom('audit_links')
      .innerJoin('audit_log', 'audit_log.id', 'audit_links.log_id')
      .select(['audit_links.seq'])
      .where('audit_links.chain_id', '=', p.id)
      .orderBy('audit_links.seq')
      .execute();
    assert.deepEqual(
      links.map((l) => Number(l.seq)),
      Array.from({ length: before + 50 }, (_, i) => i + 1),
    );
  });
});
