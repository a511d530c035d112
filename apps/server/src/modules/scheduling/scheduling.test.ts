import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { addMember, createUser, signIn } from '../../test/factories.ts';
import { auditedClients, fieldPaths } from '../clients/clients.fixture.ts';
import { appointmentCounts, bookingBody, desyncCount, overlapCount, schedulingWorld, type SchedulingWorld } from './scheduling.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Appt = { id: string; startsAt: string; localStart: string; status: string; videoUrl: string | null; feeDecision: string | null };

async function book(w: SchedulingWorld, extra: Record<string, unknown> = {}) {
  return w.owner.post(`${w.base}/appointments`, bookingBody(w, extra));
}

async function bookOk(w: SchedulingWorld, extra: Record<string, unknown> = {}): Promise<Appt[]> {
  const res = await book(w, extra);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.appointments as Appt[];
}

describe('booking', () => {
  it('books an in-person appointment with its clinician, client and room, logged per client', async () => {
    const w = await schedulingWorld(t);
    const [a] = await bookOk(w);
    assert.ok(a);
    assert.equal(a.startsAt, '2030-01-07T09:00:00.000Z');
    assert.equal(a.localStart, '2030-01-07T10:00');
    assert.equal(a.status, 'planned');
    const detail = await w.owner.get(`${w.base}/appointments/${a.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.roomName, 'Kamer 1');
    assert.equal(detail.body.durationMinutes, 50, "the service's default duration");
    assert.deepEqual(
      detail.body.clinicians.map((c: { membershipId: string }) => c.membershipId),
      [w.clinicians[0]?.membershipId],
    );
    assert.equal(detail.body.events[0].action, 'booked');
    assert.deepEqual(await auditedClients(t, w.practice.id, 'appointment.create'), [w.clientIds[0]]);
    assert.deepEqual(await auditedClients(t, w.practice.id, 'appointment.read'), [w.clientIds[0]]);
  });

  it('gives every video appointment its own unguessable link from the practice template', async () => {
    const w = await schedulingWorld(t);
    await t.deps.db
      .updateTable('practices')
      .set({ video_url_template: 'https://meet.example.org/calmdesk/{roomId}?lang=nl' })
      .where('id', '=', w.practice.id)
      .execute();
    const video = { mode: 'video', locationId: undefined, roomId: undefined };
    const [a] = await bookOk(w, video);
    const [b] = await bookOk(w, { ...video, start: '2030-01-07T11:00' });
    const pattern = /^https:\/\/meet\.example\.org\/calmdesk\/([A-Za-z0-9_-]{22,})\?lang=nl$/;
    assert.match(a?.videoUrl ?? '', pattern);
    assert.match(b?.videoUrl ?? '', pattern);
    assert.notEqual(a?.videoUrl, b?.videoUrl);
    const [phone] = await bookOk(w, { mode: 'phone', locationId: undefined, roomId: undefined, start: '2030-01-07T12:00' });
    assert.equal(phone?.videoUrl, null);
  });

  it('books a group session with two clinicians (co-therapy) and refuses to double-book any of them', async () => {
    const w = await schedulingWorld(t, { clinicians: 3, clients: 3 });
    const [m0, m1, m2] = w.clinicians.map((c) => c.membershipId);
    const [c0, c1, c2] = w.clientIds;
    const group = await book(w, { clientIds: [c0, c1], clinicianIds: [m0, m1] });
    assert.equal(group.status, 201);
    assert.equal(group.body.appointments[0].clients.length, 2);
    assert.equal(group.body.appointments[0].clinicians.length, 2);

    const before = await appointmentCounts(t, w.practice.id);
    const clientTaken = await book(w, { clientIds: [c1], clinicianIds: [m2], roomId: w.roomIds[1], start: '2030-01-07T10:30' });
    assert.equal(clientTaken.status, 409);
    assert.deepEqual(fieldPaths(clientTaken), ['body.clientIds']);
    assert.match(clientTaken.body.error.message, /Client1 Tester/);
    const clinicianTaken = await book(w, { clientIds: [c2], clinicianIds: [m1], roomId: w.roomIds[1] });
    assert.equal(clinicianTaken.status, 409);
    assert.deepEqual(fieldPaths(clinicianTaken), ['body.clinicianIds']);
    assert.match(clinicianTaken.body.error.message, /Dr Clinician1/);
    const roomTaken = await book(w, { clientIds: [c2], clinicianIds: [m2], start: '2030-01-07T10:49' });
    assert.equal(roomTaken.status, 409);
    assert.deepEqual(fieldPaths(roomTaken), ['body.roomId']);
    assert.deepEqual(await appointmentCounts(t, w.practice.id), before, 'nothing of a refused booking is saved');

    // Back to back is fine: ranges are half-open.
    assert.equal((await book(w, { clientIds: [c2], clinicianIds: [m2], start: '2030-01-07T10:50' })).status, 201);
  });

  it('frees the time of a cancelled appointment for another booking', async () => {
    const w = await schedulingWorld(t);
    const [a] = await bookOk(w);
    assert.equal((await book(w, { clientIds: [w.clientIds[1]] })).status, 409);
    const cancel = await w.owner.post(`${w.base}/appointments/${a?.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'practice',
      reason: 'clinician ill',
    });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.appointments[0].status, 'cancelled');
    assert.equal((await book(w, { clientIds: [w.clientIds[1]] })).status, 201);
    assert.equal(await desyncCount(t), 0);
  });
});

describe('series and daylight saving (Europe/Amsterdam)', () => {
  it('keeps a weekly 10:00 at 10:00 across the October change (2026-10-25)', async () => {
    const w = await schedulingWorld(t);
    const res = await book(w, { start: '2026-10-12T10:00', recurrence: { frequency: 'weekly', count: 4 } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.series.rrule, 'FREQ=WEEKLY;INTERVAL=1;COUNT=4');
    const items = res.body.appointments as Appt[];
    assert.deepEqual(
      items.map((a) => a.localStart),
      ['2026-10-12T10:00', '2026-10-19T10:00', '2026-10-26T10:00', '2026-11-02T10:00'],
    );
    assert.deepEqual(
      items.map((a) => a.startsAt),
      ['2026-10-12T08:00:00.000Z', '2026-10-19T08:00:00.000Z', '2026-10-26T09:00:00.000Z', '2026-11-02T09:00:00.000Z'],
    );
  });

  it('keeps an every-other-week series at 10:00 across the March change (2026-03-29), up to an end date', async () => {
    const w = await schedulingWorld(t);
    const res = await book(w, { start: '2026-03-16T10:00', recurrence: { frequency: 'weekly', interval: 2, until: '2026-04-13' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(
      (res.body.appointments as Appt[]).map((a) => a.startsAt),
      ['2026-03-16T09:00:00.000Z', '2026-03-30T08:00:00.000Z', '2026-04-13T08:00:00.000Z'],
    );
  });

  it('refuses a start in the hour skipped on 2026-03-29, naming it, and saves nothing', async () => {
    const w = await schedulingWorld(t);
    const override = { outsideHours: { reason: 'weekend crisis slot' } };
    const single = await book(w, { start: '2026-03-29T02:30', ...override });
    assert.equal(single.status, 400);
    assert.deepEqual(fieldPaths(single), ['body.start']);
    assert.match(single.body.error.message, /29-03-2026 02:30 does not exist in Europe\/Amsterdam/);
    const series = await book(w, { start: '2026-03-15T02:30', recurrence: { frequency: 'weekly', count: 3 }, ...override });
    assert.equal(series.status, 400);
    assert.match(series.body.error.message, /session 3 of the series: 29-03-2026 02:30 does not exist/);
    assert.equal((await appointmentCounts(t, w.practice.id)).appointments, 0);
  });

  it('takes the earlier instant of the repeated hour on 2026-10-25, or the one whose offset is given', async () => {
    const w = await schedulingWorld(t);
    const override = { outsideHours: { reason: 'night shift test' } };
    const [first] = await bookOk(w, { start: '2026-10-25T02:30', durationMinutes: 20, ...override });
    assert.equal(first?.startsAt, '2026-10-25T00:30:00.000Z', 'summer time (+02:00)');
    const [second] = await bookOk(w, { start: '2026-10-25T02:30+01:00', durationMinutes: 20, ...override });
    assert.equal(second?.startsAt, '2026-10-25T01:30:00.000Z', 'winter time (+01:00)');
    const wrong = await book(w, { start: '2026-10-25T02:30+05:00', ...override });
    assert.equal(wrong.status, 400);
    assert.deepEqual(fieldPaths(wrong), ['body.start']);
  });

  it('refuses a whole series when one session overlaps, naming the session, and saves nothing', async () => {
    const w = await schedulingWorld(t);
    await bookOk(w, { start: '2030-01-21T10:30', clientIds: [w.clientIds[1]], roomId: w.roomIds[1] });
    const before = await appointmentCounts(t, w.practice.id);
    const res = await book(w, { start: '2030-01-07T10:00', recurrence: { frequency: 'weekly', count: 4 } });
    assert.equal(res.status, 409);
    assert.deepEqual(fieldPaths(res), ['body.clinicianIds']);
    assert.match(res.body.error.message, /session 3 \(2030-01-21 10:00\): Dr Clinician0 .* already has an appointment then/);
    assert.deepEqual(await appointmentCounts(t, w.practice.id), before);
  });

  it('moves this and the following sessions by the same wall-clock distance, and cancels all that remain', async () => {
    const w = await schedulingWorld(t);
    const items = await bookOk(w, { start: '2030-01-07T10:00', recurrence: { frequency: 'weekly', count: 4 } });
    const third = items[2];
    const moved = await w.owner.patch(`${w.base}/appointments/${items[1]?.id}`, { start: '2030-01-15T14:00', scope: 'following' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(
      (moved.body.appointments as Appt[]).map((a) => a.localStart),
      ['2030-01-15T14:00', '2030-01-22T14:00', '2030-01-29T14:00'],
    );
    const cancel = await w.owner.post(`${w.base}/appointments/${third?.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'practice',
      scope: 'all',
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal(cancel.body.appointments.length, 4);
    assert.ok((cancel.body.appointments as Appt[]).every((a) => a.status === 'cancelled'));
    assert.equal(await desyncCount(t), 0);
  });

  it('refuses a move onto a taken time with a clear message and leaves the appointment where it was', async () => {
    const w = await schedulingWorld(t);
    const [a] = await bookOk(w);
    await bookOk(w, { start: '2030-01-07T13:00', clientIds: [w.clientIds[1]], roomId: w.roomIds[1] });
    const res = await w.owner.patch(`${w.base}/appointments/${a?.id}`, { start: '2030-01-07T13:15' });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /already has an appointment then/);
    const after = await w.owner.get(`${w.base}/appointments/${a?.id}`);
    assert.equal(after.body.localStart, '2030-01-07T10:00');
  });
});

describe('bad booking input changes nothing', () => {
  it('names the field for each problem', async () => {
    const w = await schedulingWorld(t);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ end: '2030-01-07T09:00' }, 'body.end', /after the start/],
      [{ end: '2030-01-07T10:00' }, 'body.end', /after the start/],
      [{ durationMinutes: 0 }, 'body.durationMinutes', /positive/],
      [{ durationMinutes: 24 * 60 }, 'body.durationMinutes', /less than 24 hours/],
      [{ timeZone: 'Europe/Atlantis' }, 'body.timeZone', /unknown IANA time zone/],
      [{ roomId: w.otherRoomId }, 'body.roomId', /not at Centrum/],
      [{ roomId: undefined }, 'body.roomId', /needs a room/],
      [{ mode: 'video' }, 'body.locationId', /no location/],
      [{ mode: 'async', locationId: undefined, roomId: undefined }, 'body.mode', /not offered as async/],
      [{ start: '2030-02-30T10:00' }, 'body.start', /not a real date/],
      [{ start: '10:00' }, 'body.start', /YYYY-MM-DDTHH:MM/],
      [{ clientIds: [crypto.randomUUID()] }, 'body.clientIds[0]', /no client/],
      [{ clinicianIds: [w.clinicians[0]?.membershipId, w.clinicians[0]?.membershipId] }, 'body.clinicianIds', /twice/],
      [{ recurrence: { frequency: 'weekly', count: 3, until: '2030-03-01' } }, 'body.recurrence', /either count/],
    ];
    for (const [extra, path, message] of cases) {
      const res = await book(w, extra);
      assert.equal(res.status, 400, `${JSON.stringify(extra)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(fieldPaths(res).includes(path), `${JSON.stringify(extra)}: ${JSON.stringify(res.body.error)}`);
      assert.match(res.body.error.message, message);
    }
    assert.deepEqual(await appointmentCounts(t, w.practice.id), { appointments: 0, series: 0, clinicians: 0, clients: 0 });
  });

  it('refuses a booking outside working hours or during leave unless overridden with a reason, which is kept and logged', async () => {
    const w = await schedulingWorld(t);
    const evening = await book(w, { start: '2030-01-07T19:00' });
    assert.equal(evening.status, 409);
    assert.deepEqual(fieldPaths(evening), ['body.start']);
    assert.equal(evening.body.error.code, 'outside_working_hours');
    assert.match(evening.body.error.message, /does not work Mon 2030-01-07 19:00/);
    await t.deps.db
      .insertInto('absences')
      .values({
        practice_id: w.practice.id,
        membership_id: w.clinicians[0]?.membershipId ?? '',
        kind: 'leave',
        starts_at: '2030-01-08T00:00:00Z',
        ends_at: '2030-01-09T00:00:00Z',
      })
      .execute();
    const leave = await book(w, { start: '2030-01-08T10:00' });
    assert.equal(leave.status, 409);
    assert.match(leave.body.error.message, /is away \(leave\)/);
    assert.equal((await appointmentCounts(t, w.practice.id)).appointments, 0);

    const forced = await book(w, { start: '2030-01-07T19:00', outsideHours: { reason: 'client works days; agreed with clinician' } });
    assert.equal(forced.status, 201);
    assert.equal(forced.body.appointments[0].outsideHoursReason, 'client works days; agreed with clinician');
    const logged = await t.deps.db
      .selectFrom('audit_log')
      .select('reason')
      .where('practice_id', '=', w.practice.id)
      .where('action', '=', 'appointment.create')
      .executeTakeFirstOrThrow();
    assert.match(logged.reason ?? '', /outside working hours: client works days/);
  });
});

describe('status flow, fees and follow-up', () => {
  it('makes a client cancellation inside the notice period a late cancellation with the policy fee, overridable per case', async () => {
    const w = await schedulingWorld(t);
    const soon = new Date(Date.now() + 3 * 3_600_000);
    const local = (d: Date) => d.toLocaleString('sv-SE', { timeZone: 'Europe/Amsterdam' }).slice(0, 16).replace(' ', 'T');
    const override = { outsideHours: { reason: 'test: whatever the hour' }, mode: 'phone', locationId: undefined, roomId: undefined };
    const [a] = await bookOk(w, { start: local(soon), ...override });
    const res = await w.owner.post(`${w.base}/appointments/${a?.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'client',
      reason: 'ziek',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.appointments[0].status, 'late_cancelled');
    assert.equal(res.body.appointments[0].feeDecision, 'charge');

    const [b] = await bookOk(w, { start: local(new Date(soon.getTime() + 3_600_000)), ...override });
    const waived = await w.owner.post(`${w.base}/appointments/${b?.id}/status`, {
      status: 'cancelled',
      cancelledBy: 'client',
      feeDecision: 'waive',
      reason: 'funeral',
    });
    assert.equal(waived.body.appointments[0].status, 'late_cancelled');
    assert.equal(waived.body.appointments[0].feeDecision, 'waive');

    const [c] = await bookOk(w, { start: '2030-01-07T10:00' });
    const confirmed = await w.owner.post(`${w.base}/appointments/${c?.id}/status`, { status: 'confirmed', reason: 'by phone' });
    assert.equal(confirmed.body.appointments[0].status, 'confirmed');
    const undone = await w.owner.post(`${w.base}/appointments/${c?.id}/status`, { status: 'planned', reason: 'confirmed by mistake' });
    assert.equal(undone.body.appointments[0].status, 'planned');
    const early = await w.owner.post(`${w.base}/appointments/${c?.id}/status`, { status: 'cancelled', cancelledBy: 'client' });
    assert.equal(early.body.appointments[0].status, 'cancelled');
    assert.equal(early.body.appointments[0].feeDecision, null);
    const again = await w.owner.post(`${w.base}/appointments/${c?.id}/status`, { status: 'confirmed' });
    assert.equal(again.status, 409, 'a cancelled appointment is not reinstated');
    const noCanceller = await w.owner.post(`${w.base}/appointments/${a?.id}/status`, { status: 'cancelled' });
    assert.equal(noCanceller.status, 400);
  });

  it('records a no-show with the fee decision and a follow-up task for each clinician, only once the session began', async () => {
    const w = await schedulingWorld(t);
    const [future] = await bookOk(w);
    const early = await w.owner.post(`${w.base}/appointments/${future?.id}/status`, { status: 'no_show' });
    assert.equal(early.status, 409);
    assert.match(early.body.error.message, /once the appointment has started/);

    const [past] = await bookOk(w, { start: '2026-11-02T10:00', clinicianIds: w.clinicians.map((c) => c.membershipId) });
    const res = await w.owner.post(`${w.base}/appointments/${past?.id}/status`, { status: 'no_show', reason: 'not reachable' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.appointments[0].feeDecision, 'charge');
    const tasks = await t.deps.db
      .selectFrom('tasks')
      .select(['assignee_membership_id', 'kind', 'client_id'])
      .where('appointment_id', '=', past?.id ?? '')
      .orderBy('assignee_membership_id')
      .execute();
    assert.deepEqual(
      tasks.map((x) => x.assignee_membership_id),
      w.clinicians.map((c) => c.membershipId).sort(),
    );
    assert.ok(tasks.every((x) => x.kind === 'no_show_follow_up' && x.client_id === w.clientIds[0]));

    const corrected = await w.owner.post(`${w.base}/appointments/${past?.id}/status`, { status: 'attended' });
    assert.equal(corrected.status, 200);
    assert.equal(corrected.body.appointments[0].feeDecision, null);
    const detail = await w.owner.get(`${w.base}/appointments/${past?.id}`);
    assert.deepEqual(
      detail.body.events.map((e: { toStatus: string | null }) => e.toStatus),
      ['planned', 'no_show', 'attended'],
    );
  });

  it('lets a clinician see and mark attendance of their own appointments only', async () => {
    const w = await schedulingWorld(t);
    const [mine] = await bookOk(w, { start: '2026-11-02T10:00' });
    const [theirs] = await bookOk(w, {
      start: '2026-11-02T10:00',
      clinicianIds: [w.clinicians[1]?.membershipId],
      clientIds: [w.clientIds[1]],
      roomId: w.roomIds[1],
    });
    const clinician = await signIn(t, w.clinicians[0]!.user);
    const list = await clinician.get(`${w.base}/appointments?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((a: Appt) => a.id),
      [mine?.id],
    );
    assert.equal((await clinician.get(`${w.base}/appointments/${theirs?.id}`)).status, 404);
    assert.equal((await clinician.post(`${w.base}/appointments/${mine?.id}/status`, { status: 'attended' })).status, 200);
    assert.equal((await clinician.post(`${w.base}/appointments/${theirs?.id}/status`, { status: 'attended' })).status, 403);
    assert.equal(
      (await clinician.post(`${w.base}/appointments/${mine?.id}/status`, { status: 'cancelled', cancelledBy: 'client' })).status,
      403,
    );
    assert.equal((await clinician.post(`${w.base}/appointments`, bookingBody(w, { start: '2030-01-08T10:00' }))).status, 403);
  });
});

describe('idempotent booking', () => {
  it('creates one appointment for the same key sent 10 times at once, answering each with the same response', async () => {
    const w = await schedulingWorld(t);
    const key = crypto.randomUUID();
    const body = bookingBody(w);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => w.owner.request('POST', `${w.base}/appointments`, body, { 'idempotency-key': key })),
    );
    assert.deepEqual(
      replies.map((r) => r.status),
      Array(10).fill(201),
    );
    const ids = new Set(replies.map((r) => JSON.stringify(r.body)));
    assert.equal(ids.size, 1, 'every answer is the same');
    assert.equal((await appointmentCounts(t, w.practice.id)).appointments, 1);

    const other = await w.owner.request(
      'POST',
      `${w.base}/appointments`,
      { ...body, start: '2030-01-08T10:00' },
      { 'idempotency-key': key },
    );
    assert.equal(other.status, 409);
    assert.deepEqual(fieldPaths(other), ['headers.idempotency-key']);
    assert.equal((await appointmentCounts(t, w.practice.id)).appointments, 1);
  });

  it('lets a refused booking be retried with the same key once the conflict is gone', async () => {
    const w = await schedulingWorld(t);
    const [blocker] = await bookOk(w, { clientIds: [w.clientIds[1]] });
    const key = crypto.randomUUID();
    const first = await w.owner.request('POST', `${w.base}/appointments`, bookingBody(w), { 'idempotency-key': key });
    assert.equal(first.status, 409);
    await w.owner.post(`${w.base}/appointments/${blocker?.id}/status`, { status: 'cancelled', cancelledBy: 'practice' });
    const retry = await w.owner.request('POST', `${w.base}/appointments`, bookingBody(w), { 'idempotency-key': key });
    assert.equal(retry.status, 201);
  });
});

describe('calendar reads', () => {
  it('lists a period by clinician, room or client, logging each client shown once', async () => {
    const w = await schedulingWorld(t);
    await bookOk(w);
    await bookOk(w, { clientIds: [w.clientIds[1]], clinicianIds: [w.clinicians[1]?.membershipId], roomId: w.roomIds[1] });
    const q = `${w.base}/appointments?from=2030-01-07T00:00:00Z&to=2030-01-08T00:00:00Z`;
    const all = await w.owner.get(q);
    assert.equal(all.body.items.length, 2);
    assert.equal((await w.owner.get(`${q}&clinicianId=${w.clinicians[1]?.membershipId}`)).body.items.length, 1);
    assert.equal((await w.owner.get(`${q}&roomId=${w.roomIds[0]}`)).body.items.length, 1);
    assert.equal((await w.owner.get(`${q}&clientId=${w.clientIds[1]}`)).body.items.length, 1);
    const logged = await auditedClients(t, w.practice.id, 'appointment.list');
    assert.deepEqual(logged.slice(0, 2).sort(), [w.clientIds[0], w.clientIds[1]].sort());
    assert.equal(logged.length, 5);
    const bad = await w.owner.get(`${w.base}/appointments?from=2030-01-08T00:00:00Z&to=2030-01-07T00:00:00Z`);
    assert.equal(bad.status, 400);
    assert.deepEqual(fieldPaths(bad), ['query.to']);
    assert.equal(await overlapCount(t, w.practice.id), 0);
  });
});

describe('scheduling settings and the combined agenda', () => {
  it('lets the owner set reminder lead times, the video provider and fee policy, naming a bad field', async () => {
    const w = await schedulingWorld(t);
    const settings = await w.owner.get(`${w.base}/scheduling-settings`);
    assert.deepEqual(settings.body.reminderLeadHours, [48, 24]);
    const bad = await w.owner.patch(`${w.base}/scheduling-settings`, { videoUrlTemplate: 'https://meet.example.org/room' });
    assert.equal(bad.status, 400);
    assert.deepEqual(fieldPaths(bad), ['body.videoUrlTemplate']);
    const res = await w.owner.patch(`${w.base}/scheduling-settings`, {
      reminderLeadHours: [72, 2],
      videoUrlTemplate: 'https://meet.example.org/{roomId}',
      noShowFeePolicy: 'waive',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.reminderLeadHours, [72, 2]);
    const [video] = await bookOk(w, { mode: 'video', locationId: undefined, roomId: undefined });
    assert.match(video?.videoUrl ?? '', /^https:\/\/meet\.example\.org\/[A-Za-z0-9_-]{22}$/);

    const clerk = await createUser(t.deps, { name: 'Clerk' });
    await addMember(t.deps, w.practice.id, clerk, ['back_office']);
    const denied = await (await signIn(t, clerk)).patch(`${w.base}/scheduling-settings`, { lateCancelHours: 48 });
    assert.equal(denied.status, 403);
  });

  it('shows a member of two practices one agenda, each item labelled, each practice logging its own reads', async () => {
    const a = await schedulingWorld(t);
    const b = await schedulingWorld(t);
    const sanne = await createUser(t.deps, { name: 'Sanne Both' });
    await addMember(t.deps, a.practice.id, sanne, ['back_office']);
    await addMember(t.deps, b.practice.id, sanne, ['back_office']);
    await bookOk(a, { start: '2030-01-07T11:00' });
    await bookOk(b, { start: '2030-01-07T10:00' });
    const me = await signIn(t, sanne);
    const agenda = await me.get('/api/v1/me/agenda?from=2030-01-07T00:00:00Z&to=2030-01-08T00:00:00Z');
    assert.equal(agenda.status, 200, JSON.stringify(agenda.body));
    assert.deepEqual(
      agenda.body.items.map((i: { practiceId: string; localStart: string }) => [i.practiceId, i.localStart]),
      [
        [b.practice.id, '2030-01-07T10:00'],
        [a.practice.id, '2030-01-07T11:00'],
      ],
    );
    assert.ok(agenda.body.items.every((i: { practiceName: string }) => i.practiceName.length > 0));
    assert.deepEqual(await auditedClients(t, a.practice.id, 'appointment.list'), [a.clientIds[0]]);
    assert.deepEqual(await auditedClients(t, b.practice.id, 'appointment.list'), [b.clientIds[0]]);
    // A practice the caller does not belong to stays out.
    const outsider = await signIn(t, a.practice.owner);
    const own = await outsider.get('/api/v1/me/agenda?from=2030-01-07T00:00:00Z&to=2030-01-08T00:00:00Z');
    assert.deepEqual(
      own.body.items.map((i: { practiceId: string }) => i.practiceId),
      [a.practice.id],
    );
  });
});
