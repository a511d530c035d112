import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '@calmdesk/shared';
import { startTestApp, type Reply, type TestApp } from '../../test/harness.ts';
import { addMember, createPopulatedPractice, createTestPractice, createUser, signIn, snapshotPractice } from '../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

function fieldPaths(res: Reply): string[] {
  return ((res.body.error?.fields ?? []) as { path: string }[]).map((f) => f.path).sort();
}

describe('practice profile', () => {
  it('lets the owner edit the profile', async () => {
    const p = await createTestPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const res = await owner.patch(`/api/v1/practices/${p.id}`, {
      legalName: 'Praktijk De Linde B.V.',
      agbCode: '94001234',
      kvkNumber: '12345678',
      iban: 'nl91 abna 0417 1643 00',
      timeZone: 'Europe/Brussels',
      vatStatus: 'mixed',
      address: { street: 'Lindelaan 1', postalCode: '1234 AB', city: 'Utrecht', country: 'NL' },
      contactPhone: '030 123 4567',
      contactEmail: 'Balie@DeLinde.example',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.contactPhone, '030 123 4567');
    assert.equal(res.body.contactEmail, 'balie@delinde.example');
    assert.equal(res.body.iban, 'NL91ABNA0417164300');
    const read = await owner.get(`/api/v1/practices/${p.id}`);
    assert.equal(read.body.legalName, 'Praktijk De Linde B.V.');
    assert.equal(read.body.agbCode, '94001234');
    assert.equal(read.body.timeZone, 'Europe/Brussels');
    assert.equal(read.body.address.city, 'Utrecht');
  });

  it('refuses an invalid IBAN, AGB code and time zone naming each field, and changes nothing', async () => {
    const p = await createTestPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const before = await snapshotPractice(t.deps, p.id);
    const res = await owner.patch(`/api/v1/practices/${p.id}`, {
      name: 'Renamed',
      iban: 'NL91ABNA0417164301',
      agbCode: '1234567',
      timeZone: 'Europe/Atlantis',
      contactPhone: 'call us',
      contactEmail: 'not-an-address',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(fieldPaths(res), ['body.agbCode', 'body.contactEmail', 'body.contactPhone', 'body.iban', 'body.timeZone']);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
  });
});

describe('locations, rooms and services', () => {
  it('adds and edits locations, rooms and services', async () => {
    const p = await createTestPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const base = `/api/v1/practices/${p.id}`;
    const loc = await owner.post(`${base}/locations`, { name: 'Centrum' });
    assert.equal(loc.status, 201);
    assert.equal((await owner.patch(`${base}/locations/${loc.body.id}`, { name: 'Centrum-Oost' })).body.name, 'Centrum-Oost');
    const room = await owner.post(`${base}/rooms`, { locationId: loc.body.id, name: 'Kamer 1' });
    assert.equal(room.status, 201);
    assert.equal(room.body.locationId, loc.body.id);
    assert.equal((await owner.patch(`${base}/rooms/${room.body.id}`, { active: false })).body.active, false);
    const svc = await owner.post(`${base}/services`, {
      name: 'Behandeling 45',
      defaultDurationMinutes: 45,
      allowedModes: ['in_person', 'video', 'video'],
      billingCode: 'CO0110',
    });
    assert.equal(svc.status, 201);
    assert.deepEqual(svc.body.allowedModes, ['in_person', 'video']);
    assert.equal((await owner.patch(`${base}/services/${svc.body.id}`, { defaultDurationMinutes: 60 })).body.defaultDurationMinutes, 60);

    assert.deepEqual(
      (await owner.get(`${base}/locations`)).body.items.map((l: { name: string }) => l.name),
      ['Centrum-Oost'],
    );
    assert.equal((await owner.get(`${base}/rooms`)).body.items.length, 1);
    assert.equal((await owner.get(`${base}/services`)).body.items[0].billingCode, 'CO0110');
  });

  it("refuses a room at another practice's location on body.locationId, creating nothing", async () => {
    const mine = await createTestPractice(t.deps);
    const theirs = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, mine.owner);
    const res = await owner.post(`/api/v1/practices/${mine.id}/rooms`, { locationId: theirs.locationId, name: 'Stolen room' });
    assert.equal(res.status, 400);
    assert.deepEqual(fieldPaths(res), ['body.locationId']);
    const rooms = await t.deps.db.selectFrom('rooms').select('id').where('name', '=', 'Stolen room').execute();
    assert.equal(rooms.length, 0);
  });
});

describe('staff and working hours', () => {
  it('records professional data and roles of a member', async () => {
    const p = await createTestPractice(t.deps);
    const clinician = await createUser(t.deps, { name: 'Dr. Jansen' });
    const membershipId = await addMember(t.deps, p.id, clinician, ['clinician']);
    const owner = await signIn(t, p.owner);
    const res = await owner.patch(`/api/v1/practices/${p.id}/staff/${membershipId}`, {
      agbCode: '94009999',
      bigNumber: '12345678901',
      profession: 'gz_psychologist',
      roles: ['clinician', 'back_office'],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const staff = await owner.get(`/api/v1/practices/${p.id}/staff`);
    const row = staff.body.items.find((s: { membershipId: string }) => s.membershipId === membershipId);
    assert.deepEqual(
      { agb: row.agbCode, big: row.bigNumber, profession: row.profession, roles: row.roles },
      { agb: '94009999', big: '12345678901', profession: 'gz_psychologist', roles: ['clinician', 'back_office'] },
    );
  });

  it('replaces working hours, refusing overlapping blocks and an end before the start by their paths', async () => {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const url = `/api/v1/practices/${p.id}/staff/${p.clinicianMembershipId}/working-hours`;
    const good = await owner.put(url, {
      items: [
        { weekday: 2, start: '09:00', end: '12:00', locationId: p.locationId, modes: ['in_person'] },
        { weekday: 2, start: '13:00', end: '17:00', locationId: null, modes: ['video', 'phone'] },
      ],
    });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.items.length, 2);
    const before = await snapshotPractice(t.deps, p.id);

    const overlap = await owner.put(url, {
      items: [
        { weekday: 3, start: '09:00', end: '12:00', locationId: null, modes: ['video'] },
        { weekday: 3, start: '11:00', end: '14:00', locationId: null, modes: ['video'] },
      ],
    });
    assert.equal(overlap.status, 400);
    assert.deepEqual(fieldPaths(overlap), ['body.items.1.start']);

    const backwards = await owner.put(url, {
      items: [
        { weekday: 4, start: '09:00', end: '10:00', locationId: null, modes: ['video'] },
        { weekday: 4, start: '15:00', end: '14:00', locationId: null, modes: ['video'] },
      ],
    });
    assert.equal(backwards.status, 400);
    assert.deepEqual(fieldPaths(backwards), ['body.items.1.end']);
    assert.equal(await snapshotPractice(t.deps, p.id), before);
    assert.equal((await owner.get(url)).body.items.length, 2);
  });

  it('keeps the last owner: demoting or deactivating them answers 409; with a second owner it works', async () => {
    const p = await createPopulatedPractice(t.deps);
    const owner = await signIn(t, p.owner);
    const url = `/api/v1/practices/${p.id}/staff/${p.ownerMembershipId}`;
    const demote = await owner.patch(url, { roles: ['clinician'] });
    assert.equal(demote.status, 409);
    assert.deepEqual(fieldPaths(demote), ['body.roles']);
    assert.equal((await owner.patch(url, { active: false })).status, 409);

    const promote = await owner.patch(`/api/v1/practices/${p.id}/staff/${p.clinicianMembershipId}`, { roles: ['owner', 'clinician'] });
    assert.equal(promote.status, 200);
    assert.equal((await owner.patch(url, { roles: ['clinician'] })).status, 200);
  });
});

describe('roles', () => {
  for (const role of ['back_office', 'billing', 'clinician'] as Role[]) {
    it(`forbids a ${role} to change the practice setup (403) while letting them read it`, async () => {
      const p = await createPopulatedPractice(t.deps);
      const member = await createUser(t.deps);
      await addMember(t.deps, p.id, member, [role]);
      const client = await signIn(t, member);
      const base = `/api/v1/practices/${p.id}`;
      const before = await snapshotPractice(t.deps, p.id);
      const attempts = [
        await client.patch(base, { name: 'Taken over' }),
        await client.post(`${base}/locations`, { name: 'Elsewhere' }),
        await client.patch(`${base}/locations/${p.locationId}`, { name: 'Elsewhere' }),
        await client.post(`${base}/rooms`, { locationId: p.locationId, name: 'Cupboard' }),
        await client.patch(`${base}/rooms/${p.roomId}`, { name: 'Cupboard' }),
        await client.post(`${base}/services`, { name: 'Free', defaultDurationMinutes: 30, allowedModes: ['video'] }),
        await client.patch(`${base}/services/${p.serviceId}`, { active: false }),
        await client.patch(`${base}/staff/${p.clinicianMembershipId}`, { roles: ['owner'] }),
        await client.put(`${base}/staff/${p.clinicianMembershipId}/working-hours`, { items: [] }),
        await client.post(`${base}/invitations`, { email: 'friend@test.example', roles: ['owner'] }),
      ];
      assert.deepEqual(
        attempts.map((r) => r.status),
        attempts.map(() => 403),
      );
      assert.equal(await snapshotPractice(t.deps, p.id), before);
      assert.equal((await client.get(`${base}/locations`)).status, 200);
      assert.equal((await client.get(`${base}/staff`)).status, 200);
    });
  }
});

describe('several practices', () => {
  it('shows a member of two practices both in GET /me', async () => {
    const worker = await createUser(t.deps);
    const one = await createTestPractice(t.deps);
    const two = await createTestPractice(t.deps);
    await addMember(t.deps, one.id, worker, ['back_office']);
    await addMember(t.deps, two.id, worker, ['back_office', 'billing']);
    const me = await (await signIn(t, worker)).get('/api/v1/me');
    assert.equal(me.status, 200);
    const seen = me.body.memberships.map((m: { practiceId: string; roles: Role[] }) => [m.practiceId, m.roles]);
    assert.deepEqual(
      seen.sort(),
      [
        [one.id, ['back_office']],
        [two.id, ['back_office', 'billing']],
      ].sort(),
    );
  });
});
