import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { auditCount } from '../../test/factories.ts';
import { fieldPaths, slotWorld, type SlotWorld } from './slots.fixture.ts';

let t: TestApp;
let w: SlotWorld;
let anna: string;
before(async () => {
  t = await startTestApp();
  w = await slotWorld(t);
  anna = w.clinicians[0]!.membershipId;
});
after(() => t.close());

describe('absences', () => {
  it('records whole days of leave from the start of the first to the end of the last day, in the practice’s zone', async () => {
    const res = await w.backOffice.post(`${w.base}/absences`, {
      kind: 'leave',
      membershipId: anna,
      start: '2027-07-12',
      end: '2027-07-16',
      description: 'Zomervakantie',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.startsAt, '2027-07-11T22:00:00.000Z');
    assert.equal(res.body.endsAt, '2027-07-16T22:00:00.000Z');
    assert.equal(res.body.localStart, '2027-07-12T00:00');
    assert.equal(res.body.localEnd, '2027-07-17T00:00');
    assert.equal(res.body.timeZone, 'Europe/Amsterdam');
    assert.equal(res.body.name, w.clinicians[0]!.name);
    assert.equal(res.body.description, 'Zomervakantie');
  });

  it('records a closure of part of a day in local time, across a clock change', async () => {
    const res = await w.owner.post(`${w.base}/absences`, { kind: 'closure', start: '2027-10-30T12:00', end: '2027-11-01T09:00' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.startsAt, '2027-10-30T10:00:00.000Z');
    assert.equal(res.body.endsAt, '2027-11-01T08:00:00.000Z');
    assert.equal(res.body.membershipId, null);
    assert.equal(res.body.name, null);
  });

  it('lists what overlaps the days asked for, a member’s own with the closures, each list logged once', async () => {
    const bram = w.clinicians[1]!.membershipId;
    const sick = await w.backOffice.post(`${w.base}/absences`, {
      kind: 'sick',
      membershipId: bram,
      start: '2027-10-29',
      end: '2027-10-29',
    });
    assert.equal(sick.status, 201);
    const before = await auditCount(t.deps, w.practice.id);
    const all = await w.backOffice.get(`${w.base}/absences?from=2027-10-29&to=2027-10-31`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.items.map((a: { kind: string }) => a.kind),
      ['sick', 'closure'],
    );
    assert.equal(await auditCount(t.deps, w.practice.id), before + 1);
    const annas = await w.backOffice.get(`${w.base}/absences?from=2027-01-01&to=2027-12-31&membershipId=${anna}`);
    assert.deepEqual(
      annas.body.items.map((a: { kind: string }) => a.kind),
      ['leave', 'closure'],
    );
    const clinician = await w.clinicians[1]!.client();
    assert.equal((await clinician.get(`${w.base}/absences?from=2027-10-29&to=2027-10-29`)).body.items.length, 1);
    const nothing = await w.backOffice.get(`${w.base}/absences?from=2027-10-28&to=2027-10-28`);
    assert.deepEqual(nothing.body.items, []);
  });

  it('lets owner and back office write, and refuses a clinician with 403', async () => {
    const clinician = await w.clinicians[0]!.client();
    const res = await clinician.post(`${w.base}/absences`, { kind: 'leave', membershipId: anna, start: '2027-08-02', end: '2027-08-02' });
    assert.equal(res.status, 403);
    const created = await w.owner.post(`${w.base}/absences`, {
      kind: 'training',
      membershipId: anna,
      start: '2027-08-02',
      end: '2027-08-02',
    });
    assert.equal(created.status, 201);
    assert.equal((await clinician.delete(`${w.base}/absences/${created.body.id}`)).status, 403);
    assert.equal((await w.backOffice.delete(`${w.base}/absences/${created.body.id}`)).status, 200);
    assert.equal((await w.backOffice.delete(`${w.base}/absences/${created.body.id}`)).status, 404);
    const list = await w.owner.get(`${w.base}/absences?from=2027-08-02&to=2027-08-02`);
    assert.deepEqual(list.body.items, []);
  });

  it('names the field of bad input and saves nothing', async () => {
    const count = async () =>
      (await t.deps.db.selectFrom('absences').select('id').where('practice_id', '=', w.practice.id).execute()).length;
    const before = await count();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ kind: 'closure', membershipId: anna, start: '2027-09-01', end: '2027-09-01' }, 'body.membershipId', /whole practice/],
      [{ kind: 'leave', start: '2027-09-01', end: '2027-09-01' }, 'body.membershipId', /needs the member/],
      [{ kind: 'leave', membershipId: anna, start: '2027-09-02', end: '2027-09-01' }, 'body.end', /after the start/],
      [{ kind: 'leave', membershipId: anna, start: '2027-09-01T12:00', end: '2027-09-01T12:00' }, 'body.end', /after the start/],
      [{ kind: 'leave', membershipId: anna, start: '2027-02-30', end: '2027-03-01' }, 'body.start', /not a real date/],
      [{ kind: 'leave', membershipId: anna, start: '2027-03-28T02:30', end: '2027-03-28T05:00' }, 'body.start', /does not exist/],
      [{ kind: 'leave', membershipId: anna, start: '2027-01-01', end: '2028-06-01' }, 'body.end', /at most 366 days/],
      [
        { kind: 'leave', membershipId: crypto.randomUUID(), start: '2027-09-01', end: '2027-09-01' },
        'body.membershipId',
        /no active member/,
      ],
      [{ kind: 'holiday', membershipId: anna, start: '2027-09-01', end: '2027-09-01' }, 'body.kind', /./],
      [{ kind: 'leave', membershipId: anna, start: '1 september', end: '2027-09-01' }, 'body.start', /YYYY-MM-DD/],
    ];
    for (const [body, path, message] of cases) {
      const res = await w.owner.post(`${w.base}/absences`, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} answered ${res.status}`);
      assert.deepEqual(fieldPaths(res), [path], JSON.stringify(body));
      assert.match(res.body.error.fields[0].message, message);
    }
    const list = await w.owner.get(`${w.base}/absences?from=2027-09-02&to=2027-09-01`);
    assert.deepEqual(fieldPaths(list), ['query.to']);
    assert.equal(await count(), before);
  });
});

describe('who offers a service', () => {
  it('shows every service with the clinicians who offer it, empty meaning all, and lets the owner choose them', async () => {
    const [anna, bram] = w.clinicians.map((c) => c.membershipId);
    const url = `${w.base}/services/${w.serviceId}/clinicians`;
    const list = await w.backOffice.get(`${w.base}/services`);
    assert.deepEqual(list.body.items.find((s: { id: string }) => s.id === w.serviceId).clinicianIds, []);
    const set = await w.owner.put(url, { membershipIds: [bram, anna] });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([...set.body.clinicianIds].sort(), [anna, bram].sort());
    const after = await w.backOffice.get(`${w.base}/services`);
    assert.deepEqual([...after.body.items.find((s: { id: string }) => s.id === w.serviceId).clinicianIds].sort(), [anna, bram].sort());
    assert.equal((await w.owner.patch(`${w.base}/services/${w.serviceId}`, { bufferMinutes: 5 })).body.clinicianIds.length, 2);

    assert.equal((await w.backOffice.put(url, { membershipIds: [anna] })).status, 403);
    const notClinician = await w.owner.put(url, { membershipIds: [anna, w.backOfficeMembershipId] });
    assert.equal(notClinician.status, 400);
    assert.deepEqual(fieldPaths(notClinician), ['body.membershipIds.1']);
    const twice = await w.owner.put(url, { membershipIds: [anna, anna] });
    assert.deepEqual(fieldPaths(twice), ['body.membershipIds.1']);
    assert.equal((await w.owner.put(`${w.base}/services/${crypto.randomUUID()}/clinicians`, { membershipIds: [] })).status, 404);
    assert.equal(
      (await w.owner.get(`${w.base}/services`)).body.items.find((s: { id: string }) => s.id === w.serviceId).clinicianIds.length,
      2,
    );

    const reset = await w.owner.put(url, { membershipIds: [] });
    assert.deepEqual(reset.body.clinicianIds, []);
  });
});
