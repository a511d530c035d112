import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { fieldPaths, mondayAhead, nextClockChanges, searchSlots, slotWorld, timesOn, ZONE, type SlotWorld } from './slots.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** 09:00, 09:15 … 16:15: the starts of a 45-minute session in a 09:00–17:00 day. */
const FULL_DAY = Array.from(
  { length: 30 },
  (_, i) => `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
);

function instant(date: Temporal.PlainDate, time: string): string {
  return new Date(date.toZonedDateTime({ timeZone: ZONE, plainTime: time }).epochMilliseconds).toISOString();
}

async function book(w: SlotWorld, body: Record<string, unknown>) {
  const res = await w.backOffice.post(`${w.base}/appointments`, { clientIds: [w.clientIds[0]], serviceId: w.serviceId, ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.appointments[0];
}

describe('free slots across the clock changes', () => {
  it('offers 09:00 local on the Friday before and the Monday after each change, at the instant of that day’s offset', async () => {
    const w = await slotWorld(t);
    const anna = w.clinicians[0]!.membershipId;
    const { spring, autumn } = nextClockChanges();
    for (const [change, before, afterOffset] of [
      [spring, '+01:00', '+02:00'],
      [autumn, '+02:00', '+01:00'],
    ] as const) {
      const res = await searchSlots(w.owner, w, {
        from: change.friday.toString(),
        to: change.monday.toString(),
        clinicianId: anna,
        limit: 500,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(timesOn(res.body.items, change.friday), FULL_DAY);
      assert.deepEqual(timesOn(res.body.items, change.sunday), [], 'no hours at the weekend');
      assert.deepEqual(timesOn(res.body.items, change.monday), FULL_DAY);
      const friday = res.body.items[0]!;
      const monday = res.body.items.find((s) => s.localStart === `${change.monday.toString()}T09:00`)!;
      assert.equal(friday.localStart, `${change.friday.toString()}T09:00`);
      assert.equal(friday.start, instant(change.friday, '09:00'));
      assert.equal(new Date(friday.start).getUTCHours(), before === '+01:00' ? 8 : 7);
      assert.equal(monday.start, instant(change.monday, '09:00'));
      assert.equal(new Date(monday.start).getUTCHours(), afterOffset === '+01:00' ? 8 : 7);
      assert.equal(monday.timeZone, ZONE);
      assert.equal(Date.parse(monday.end) - Date.parse(monday.start), 45 * 60_000);
    }
  });
});

describe('free slots', () => {
  let w: SlotWorld;
  let anna: string;
  let bram: string;
  before(async () => {
    w = await slotWorld(t);
    anna = w.clinicians[0]!.membershipId;
    bram = w.clinicians[1]!.membershipId;
  });

  it('starts on a 15-minute grid from the start of the hours, and ends within them', async () => {
    const monday = mondayAhead(3);
    const res = await w.owner.put(`${w.base}/staff/${anna}/working-hours`, {
      items: [{ weekday: 1, start: '09:10', end: '12:00', locationId: null, modes: ['video'] }],
    });
    assert.equal(res.status, 200);
    const slots = await searchSlots(w.owner, w, { from: monday.toString(), to: monday.toString(), clinicianId: anna });
    assert.deepEqual(timesOn(slots.body.items, monday), ['09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15']);
    for (const s of slots.body.items) assert.equal(new Date(s.start).getUTCMinutes() % 15, 0);
    // Back to the world's hours for the other tests.
    await w.owner.put(`${w.base}/staff/${anna}/working-hours`, {
      items: [1, 2, 3, 4, 5].map((weekday) => ({
        weekday,
        start: '09:00',
        end: '17:00',
        locationId: w.locationId,
        modes: ['in_person', 'video'],
      })),
    });
  });

  it('leaves out the clinician’s leave and the practice’s closures', async () => {
    const monday = mondayAhead(4);
    const tuesday = monday.add({ days: 1 });
    const wednesday = monday.add({ days: 2 });
    const leave = await w.backOffice.post(`${w.base}/absences`, {
      kind: 'leave',
      membershipId: anna,
      start: tuesday.toString(),
      end: tuesday.toString(),
    });
    assert.equal(leave.status, 201, JSON.stringify(leave.body));
    const closure = await w.backOffice.post(`${w.base}/absences`, {
      kind: 'closure',
      start: `${wednesday.toString()}T12:00`,
      end: `${wednesday.toString()}T17:00`,
    });
    assert.equal(closure.status, 201, JSON.stringify(closure.body));
    const res = await searchSlots(w.backOffice, w, { from: monday.toString(), to: wednesday.toString(), limit: 500 });
    assert.equal(res.status, 200);
    const items = res.body.items;
    assert.deepEqual(timesOn(items, monday, anna), FULL_DAY);
    assert.deepEqual(timesOn(items, tuesday, anna), [], 'Anna is on leave');
    assert.deepEqual(timesOn(items, tuesday, bram), FULL_DAY, 'leave is per clinician');
    const morning = FULL_DAY.filter((s) => s <= '11:15');
    assert.deepEqual(timesOn(items, wednesday, anna), morning, 'closed from 12:00');
    assert.deepEqual(timesOn(items, wednesday, bram), morning, 'a closure holds for everyone');

    assert.equal((await w.backOffice.delete(`${w.base}/absences/${leave.body.id}`)).status, 200);
    const again = await searchSlots(w.backOffice, w, { from: tuesday.toString(), to: tuesday.toString(), clinicianId: anna, limit: 500 });
    assert.deepEqual(timesOn(again.body.items, tuesday), FULL_DAY, 'removed leave frees the day');
  });

  it('keeps the buffer of a booked session and of the service searched for free around each session', async () => {
    const monday = mondayAhead(5);
    const day = monday.add({ days: 3 });
    const { db } = t.deps;
    const buffered = await db
      .insertInto('services')
      .values({ practice_id: w.practice.id, name: 'Intake', default_duration_minutes: 45, allowed_modes: ['video'], buffer_minutes: 15 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const longBuffer = await db
      .insertInto('services')
      .values({
        practice_id: w.practice.id,
        name: 'Diagnostiek',
        default_duration_minutes: 45,
        allowed_modes: ['video'],
        buffer_minutes: 30,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await book(w, { serviceId: buffered.id, clinicianIds: [anna], mode: 'video', start: `${day.toString()}T10:00` });
    const around = (serviceId: string) =>
      searchSlots(w.owner, w, { serviceId, from: day.toString(), to: day.toString(), clinicianId: anna }).then((r) =>
        timesOn(r.body.items, day).filter((s) => s < '12:00'),
      );
    // The session 10:00–10:45 keeps its 15 minutes on both sides: 09:45–11:00.
    assert.deepEqual(await around(w.serviceId), ['09:00', '11:00', '11:15', '11:30', '11:45']);
    // A service with 30 minutes of its own keeps 30 minutes: 09:30–11:15.
    assert.deepEqual(await around(longBuffer.id), ['11:15', '11:30', '11:45']);
  });

  it('offers an in-person slot only while a room is free: the second room when the first is taken, none when both are', async () => {
    const day = mondayAhead(6);
    const search = () =>
      searchSlots(w.owner, w, { mode: 'in_person', from: day.toString(), to: day.toString(), clinicianId: anna, limit: 500 }).then(
        (r) => r.body.items,
      );
    const free = await search();
    assert.deepEqual(timesOn(free, day), FULL_DAY);
    assert.equal(free[0]!.roomId, w.roomIds[0]);
    assert.equal(free[0]!.roomName, 'Kamer 1');
    assert.equal(free[0]!.locationId, w.locationId);

    // Someone else's session takes Kamer 1 at 10:00: Anna is offered Kamer 2 then.
    await book(w, {
      clientIds: [w.clientIds[1]],
      clinicianIds: [bram],
      mode: 'in_person',
      locationId: w.locationId,
      roomId: w.roomIds[0],
      start: `${day.toString()}T10:00`,
    });
    const one = await search();
    assert.deepEqual(timesOn(one, day), FULL_DAY);
    const at10 = one.find((s) => s.localStart.endsWith('T10:00'))!;
    assert.equal(at10.roomId, w.roomIds[1]);
    assert.equal(one.find((s) => s.localStart.endsWith('T09:00'))!.roomId, w.roomIds[0]);
    assert.equal(one.find((s) => s.localStart.endsWith('T11:00'))!.roomId, w.roomIds[0]);

    // And Kamer 2 too, by a clinician outside the search (the owner, booked with an override).
    const ownerMembership = await t.deps.db
      .selectFrom('memberships')
      .select('id')
      .where('practice_id', '=', w.practice.id)
      .where('user_id', '=', w.practice.owner.id)
      .executeTakeFirstOrThrow();
    await t.deps.db
      .updateTable('memberships')
      .set({ roles: ['owner', 'clinician'] })
      .where('id', '=', ownerMembership.id)
      .execute();
    await book(w, {
      clientIds: [w.clientIds[2]],
      clinicianIds: [ownerMembership.id],
      mode: 'in_person',
      locationId: w.locationId,
      roomId: w.roomIds[1],
      start: `${day.toString()}T10:00`,
      outsideHours: { reason: 'test: the owner sees a client in Kamer 2' },
    });
    const none = await search();
    // 10:00–10:45 has no room: starts from 09:30 (ends 10:15) to 10:30 are gone.
    assert.deepEqual(
      timesOn(none, day),
      FULL_DAY.filter((s) => s < '09:30' || s > '10:30'),
    );
  });

  it('searches any clinician who offers the service, or only the one asked for', async () => {
    const day = mondayAhead(7).add({ days: 1 });
    const q = { from: day.toString(), to: day.toString(), limit: 4 };
    const any = await searchSlots(w.backOffice, w, q);
    assert.equal(any.status, 200);
    assert.deepEqual(
      any.body.items.map((s) => [s.localStart.slice(11), s.clinicianName]),
      [
        ['09:00', w.clinicians[0]!.name],
        ['09:00', w.clinicians[1]!.name],
        ['09:15', w.clinicians[0]!.name],
        ['09:15', w.clinicians[1]!.name],
      ],
    );
    const one = await searchSlots(w.backOffice, w, { ...q, clinicianId: bram });
    assert.deepEqual(
      one.body.items.map((s) => s.clinicianId),
      [bram, bram, bram, bram],
    );

    const choose = await w.owner.put(`${w.base}/services/${w.serviceId}/clinicians`, { membershipIds: [bram] });
    assert.equal(choose.status, 200, JSON.stringify(choose.body));
    const offered = await searchSlots(w.backOffice, w, q);
    assert.deepEqual(new Set(offered.body.items.map((s) => s.clinicianId)), new Set([bram]));
    const notOffered = await searchSlots(w.backOffice, w, { ...q, clinicianId: anna });
    assert.equal(notOffered.status, 400);
    assert.deepEqual(fieldPaths(notOffered), ['query.clinicianId']);
    assert.match(notOffered.body.error?.fields[0]?.message ?? '', /does not offer Behandeling 45/);
    assert.equal((await w.owner.put(`${w.base}/services/${w.serviceId}/clinicians`, { membershipIds: [] })).status, 200);
    assert.equal((await searchSlots(w.backOffice, w, q)).body.items.length, 4);
  });

  it('reads on past the first days when they are taken, honouring the sessions found there', async () => {
    const monday = mondayAhead(9);
    const wednesday = monday.add({ days: 2 });
    const closed = await w.owner.post(`${w.base}/absences`, {
      kind: 'closure',
      start: monday.toString(),
      end: monday.add({ days: 1 }).toString(),
    });
    assert.equal(closed.status, 201);
    await book(w, { clinicianIds: [anna], mode: 'video', start: `${wednesday.toString()}T09:00` });
    const res = await searchSlots(w.backOffice, w, { from: monday.toString(), to: monday.add({ days: 4 }).toString(), limit: 20 });
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 20);
    assert.ok(res.body.items.every((s) => s.localStart.startsWith(wednesday.toString())));
    assert.deepEqual(timesOn(res.body.items, wednesday, anna).slice(0, 2), ['09:45', '10:00']);
    assert.deepEqual(timesOn(res.body.items, wednesday, bram).slice(0, 2), ['09:00', '09:15']);
  });

  it('offers nothing in the past, and a clinician may search too', async () => {
    const today = Temporal.Now.plainDateISO(ZONE);
    const res = await searchSlots(w.owner, w, { from: today.subtract({ days: 7 }).toString(), to: today.toString(), limit: 500 });
    assert.equal(res.status, 200);
    for (const s of res.body.items) assert.ok(Date.parse(s.start) >= Date.now() - 1000, `${s.localStart} is in the past`);
    const clinician = await w.clinicians[0]!.client();
    assert.equal((await searchSlots(clinician, w, { from: mondayAhead(2).toString(), to: mondayAhead(2).toString() })).status, 200);
  });

  it('names the query field of bad input', async () => {
    const day = mondayAhead(2).toString();
    const cases: [Record<string, string | number>, string, RegExp][] = [
      [{ serviceId: crypto.randomUUID(), from: day, to: day }, 'query.serviceId', /no service/],
      [{ mode: 'phone', from: day, to: day }, 'query.mode', /not offered as phone; allowed: in_person, video/],
      [{ from: day, to: mondayAhead(1).toString() }, 'query.to', /on or after from/],
      [{ from: day, to: mondayAhead(2).add({ days: 31 }).toString() }, 'query.to', /at most 31 days/],
      [{ from: '2027-02-30', to: day }, 'query.from', /./],
      [{ from: day, to: day, locationId: w.locationId }, 'query.locationId', /video session has no location/],
      [{ mode: 'in_person', from: day, to: day, locationId: crypto.randomUUID() }, 'query.locationId', /no active location/],
      [{ from: day, to: day, clinicianId: w.backOfficeMembershipId }, 'query.clinicianId', /no active clinician/],
      [{ from: day, to: day, limit: 0 }, 'query.limit', /./],
      [{ mode: 'teleport', from: day, to: day }, 'query.mode', /./],
    ];
    for (const [query, path, message] of cases) {
      const res = await searchSlots(w.owner, w, query);
      assert.equal(res.status, 400, `${JSON.stringify(query)} answered ${res.status}`);
      assert.deepEqual(fieldPaths(res), [path], JSON.stringify(query));
      assert.match(res.body.error?.fields[0]?.message ?? '', message);
    }
    assert.equal((await searchSlots(w.owner, w, { from: day, to: mondayAhead(2).add({ days: 30 }).toString() })).status, 200);
  });

  it('gives slots that can be booked as they are, and a booked slot is not offered again', async () => {
    const day = mondayAhead(8);
    for (const mode of ['video', 'in_person'] as const) {
      const q = { mode, from: day.toString(), to: day.toString(), limit: 1 };
      const [slot] = (await searchSlots(w.backOffice, w, q)).body.items;
      assert.ok(slot);
      const appointment = await book(w, {
        clientIds: [w.clientIds[mode === 'video' ? 0 : 3]],
        clinicianIds: [slot.clinicianId],
        mode,
        start: slot.localStart,
        ...(slot.roomId ? { locationId: slot.locationId, roomId: slot.roomId } : {}),
      });
      assert.equal(appointment.startsAt, new Date(slot.start).toISOString());
      assert.equal(appointment.endsAt, new Date(slot.end).toISOString());
      assert.equal(appointment.outsideHoursReason, null, 'the slot lies within working hours');
      const next = await searchSlots(w.backOffice, w, { ...q, limit: 500 });
      assert.ok(
        !next.body.items.some((s) => s.clinicianId === slot.clinicianId && s.start === slot.start),
        `${slot.localStart} of ${slot.clinicianName} is still offered`,
      );
    }
  });
});
