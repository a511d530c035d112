import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { auditCount } from '../../test/factories.ts';
import { fieldPaths } from '../clients/clients.fixture.ts';
import { schedulingWorld, type SchedulingWorld } from './scheduling.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

interface Interval {
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  modes: string[];
  locationId: string | null;
}
interface AbsenceView {
  kind: string;
  membershipId: string | null;
  startsAt: string;
  endsAt: string;
  localStart: string;
  localEnd: string;
}
interface ClinicianView {
  clinicianId: string;
  name: string;
  working: Interval[];
  absences: AbsenceView[];
}

const span = (i: { start: string; end: string }) => [i.start, i.end];

/** Replaces a clinician's hours with these rows (every mode, any location unless given). */
async function setHours(
  w: SchedulingWorld,
  membershipId: string,
  rows: { weekday: number; start: string; end: string; modes?: string[] }[],
) {
  const { db } = t.deps;
  await db.deleteFrom('working_hours').where('membership_id', '=', membershipId).execute();
  await db
    .insertInto('working_hours')
    .values(
      rows.map((r) => ({
        practice_id: w.practice.id,
        membership_id: membershipId,
        weekday: r.weekday,
        start_time: r.start,
        end_time: r.end,
        location_id: null,
        modes: r.modes ?? ['video', 'phone'],
      })),
    )
    .execute();
}

describe('availability for the agenda', () => {
  it('gives each clinician’s working hours per date as instants, their leave and the closures, one log entry for staff absences', async () => {
    const w = await schedulingWorld(t);
    const [c0, c1] = w.clinicians.map((c) => c.membershipId);
    // A second block on Monday evening, video only.
    await t.deps.db
      .insertInto('working_hours')
      .values({
        practice_id: w.practice.id,
        membership_id: c0!,
        weekday: 1,
        start_time: '18:00',
        end_time: '20:00',
        location_id: w.locationId,
        modes: ['video'],
      })
      .execute();
    const leave = await w.owner.post(`${w.base}/absences`, { kind: 'leave', membershipId: c0, start: '2030-01-09', end: '2030-01-09' });
    assert.equal(leave.status, 201, JSON.stringify(leave.body));
    const closure = await w.owner.post(`${w.base}/absences`, { kind: 'closure', start: '2030-01-11T12:00', end: '2030-01-11T17:00' });
    assert.equal(closure.status, 201, JSON.stringify(closure.body));
    // Outside the range: not shown.
    await w.owner.post(`${w.base}/absences`, { kind: 'sick', membershipId: c1, start: '2030-01-14', end: '2030-01-14' });

    const before = await auditCount(t.deps, w.practice.id);
    const res = await w.owner.get(`${w.base}/availability?from=2030-01-07&to=2030-01-13`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.timeZone, 'Europe/Amsterdam');
    assert.equal(res.body.from, '2030-01-07');
    assert.equal(res.body.to, '2030-01-13');
    const clinicians = res.body.clinicians as ClinicianView[];
    const first = clinicians.find((c) => c.clinicianId === c0);
    const second = clinicians.find((c) => c.clinicianId === c1);
    assert.ok(first && second, 'both clinicians are there by default');
    assert.equal(first.name, w.clinicians[0]!.name);

    // Monday to Friday 09:00–17:00 (winter: UTC+1), plus Monday 18:00–20:00, in start order.
    assert.deepEqual(first.working.map(span), [
      ['2030-01-07T08:00:00.000Z', '2030-01-07T16:00:00.000Z'],
      ['2030-01-07T17:00:00.000Z', '2030-01-07T19:00:00.000Z'],
      ['2030-01-08T08:00:00.000Z', '2030-01-08T16:00:00.000Z'],
      ['2030-01-09T08:00:00.000Z', '2030-01-09T16:00:00.000Z'],
      ['2030-01-10T08:00:00.000Z', '2030-01-10T16:00:00.000Z'],
      ['2030-01-11T08:00:00.000Z', '2030-01-11T16:00:00.000Z'],
    ]);
    const evening = first.working[1]!;
    assert.equal(evening.localStart, '2030-01-07T18:00');
    assert.equal(evening.localEnd, '2030-01-07T20:00');
    assert.deepEqual(evening.modes, ['video']);
    assert.equal(evening.locationId, w.locationId);
    assert.equal(second.working.length, 5);

    assert.deepEqual(
      first.absences.map((a) => [a.kind, a.localStart, a.localEnd]),
      [['leave', '2030-01-09T00:00', '2030-01-10T00:00']],
    );
    assert.deepEqual(second.absences, [], 'sick leave on the 14th is outside the range');
    assert.deepEqual(
      (res.body.closures as AbsenceView[]).map((a) => [a.kind, a.membershipId, a.startsAt, a.endsAt]),
      [['closure', null, '2030-01-11T11:00:00.000Z', '2030-01-11T16:00:00.000Z']],
    );
    // Staff absences are personal data: the read is one access-log entry.
    assert.equal(await auditCount(t.deps, w.practice.id), before + 1);
  });

  it('gives only the clinicians asked for, and logs nothing when no staff absence is shown', async () => {
    const w = await schedulingWorld(t);
    const [c0, c1] = w.clinicians.map((c) => c.membershipId);
    await w.owner.post(`${w.base}/absences`, { kind: 'leave', membershipId: c0, start: '2030-01-08', end: '2030-01-08' });
    const before = await auditCount(t.deps, w.practice.id);
    const res = await w.owner.get(`${w.base}/availability?from=2030-01-07&to=2030-01-08&clinicianIds=${c1}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      (res.body.clinicians as ClinicianView[]).map((c) => [c.clinicianId, c.working.length, c.absences.length]),
      [[c1, 2, 0]],
    );
    assert.equal(await auditCount(t.deps, w.practice.id), before);
  });

  it('expands local hours per date across the spring clock change (Europe/Amsterdam, 29 March 2026)', async () => {
    const w = await schedulingWorld(t);
    const [c0, c1] = w.clinicians.map((c) => c.membershipId);
    await setHours(w, c0!, [
      { weekday: 5, start: '09:00', end: '17:00' },
      { weekday: 7, start: '01:00', end: '05:00' },
      { weekday: 1, start: '09:00', end: '17:00' },
    ]);
    // Starts in the skipped hour (02:00–03:00 does not exist that night): moves forward to 03:30.
    await setHours(w, c1!, [{ weekday: 7, start: '02:30', end: '04:00' }]);
    const res = await w.owner.get(`${w.base}/availability?from=2026-03-27&to=2026-03-30&clinicianIds=${c0},${c1}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const byId = new Map((res.body.clinicians as ClinicianView[]).map((c) => [c.clinicianId, c]));
    const hours = byId.get(c0!)!.working;
    assert.deepEqual(hours.map(span), [
      ['2026-03-27T08:00:00.000Z', '2026-03-27T16:00:00.000Z'], // Friday, winter time (UTC+1)
      ['2026-03-29T00:00:00.000Z', '2026-03-29T03:00:00.000Z'], // 01:00 CET – 05:00 CEST: three hours
      ['2026-03-30T07:00:00.000Z', '2026-03-30T15:00:00.000Z'], // Monday, summer time (UTC+2)
    ]);
    assert.deepEqual(
      hours.map((h) => [h.localStart, h.localEnd]),
      [
        ['2026-03-27T09:00', '2026-03-27T17:00'],
        ['2026-03-29T01:00', '2026-03-29T05:00'],
        ['2026-03-30T09:00', '2026-03-30T17:00'],
      ],
    );
    const skipped = byId.get(c1!)!.working;
    assert.deepEqual(
      skipped.map((h) => [h.start, h.end, h.localStart]),
      [['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z', '2026-03-29T03:30']],
    );
  });

  it('expands local hours per date across the autumn clock change (Europe/Amsterdam, 25 October 2026)', async () => {
    const w = await schedulingWorld(t);
    const c0 = w.clinicians[0]!.membershipId;
    await setHours(w, c0, [
      { weekday: 5, start: '09:00', end: '17:00' },
      { weekday: 7, start: '01:00', end: '05:00' },
      { weekday: 1, start: '09:00', end: '17:00' },
    ]);
    const closure = await w.owner.post(`${w.base}/absences`, { kind: 'closure', start: '2026-10-25', end: '2026-10-25' });
    assert.equal(closure.status, 201);
    const res = await w.owner.get(`${w.base}/availability?from=2026-10-19&to=2026-10-26&clinicianIds=${c0}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [c] = res.body.clinicians as ClinicianView[];
    assert.deepEqual(c!.working.map(span), [
      ['2026-10-19T07:00:00.000Z', '2026-10-19T15:00:00.000Z'], // Monday, summer time
      ['2026-10-23T07:00:00.000Z', '2026-10-23T15:00:00.000Z'], // Friday, summer time
      ['2026-10-24T23:00:00.000Z', '2026-10-25T04:00:00.000Z'], // 01:00 CEST – 05:00 CET: five hours
      ['2026-10-26T08:00:00.000Z', '2026-10-26T16:00:00.000Z'], // Monday, winter time
    ]);
    // The closed Sunday lasts 25 hours.
    assert.deepEqual(
      (res.body.closures as AbsenceView[]).map((a) => [a.startsAt, a.endsAt]),
      [['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']],
    );
  });

  it('refuses a reversed or too long range, a date that does not exist and unknown clinicians, naming the field', async () => {
    const w = await schedulingWorld(t);
    const at = (q: string) => w.owner.get(`${w.base}/availability?${q}`);
    const cases: [string, string[]][] = [
      ['from=2030-01-13&to=2030-01-07', ['query.to']],
      ['from=2030-01-01&to=2030-02-12', ['query.to']],
      ['from=2030-02-30&to=2030-03-02', ['query.from']],
      ['from=next-monday&to=2030-03-02', ['query.from']],
      ['from=2030-01-07', ['query.to']],
      ['from=2030-01-07&to=2030-01-13&clinicianIds=someone', ['query.clinicianIds']],
      [
        `from=2030-01-07&to=2030-01-13&clinicianIds=${w.clinicians[0]!.membershipId},3f0c1a52-7a2e-4c5b-9d47-1e2f3a4b5c6d`,
        ['query.clinicianIds'],
      ],
    ];
    for (const [q, fields] of cases) {
      const res = await at(q);
      assert.equal(res.status, 400, `${q}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(fieldPaths(res), fields, q);
    }
    // 42 days is the most.
    assert.equal((await at('from=2030-01-01&to=2030-02-11')).status, 200);
  });

  it('answers 404 to a member of another practice, and does not name another practice’s clinician', async () => {
    const w = await schedulingWorld(t);
    const other = await schedulingWorld(t);
    const res = await other.owner.get(`${w.base}/availability?from=2030-01-07&to=2030-01-13`);
    assert.equal(res.status, 404);
    const foreign = await w.owner.get(
      `${w.base}/availability?from=2030-01-07&to=2030-01-13&clinicianIds=${other.clinicians[0]!.membershipId}`,
    );
    assert.equal(foreign.status, 400);
    assert.deepEqual(fieldPaths(foreign), ['query.clinicianIds']);
  });
});
