import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { signIn } from '../../test/factories.ts';
import { auditedClients, fieldPaths } from '../clients/clients.fixture.ts';
import { appointmentCounts, bookingBody, schedulingWorld, type SchedulingWorld } from './scheduling.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Entry = {
  id: string;
  client: { id: string };
  status: string;
  urgency: string;
  offers: { id: string; status: string; appointmentId: string | null }[];
};
type Candidate = { entry: Entry; matches: Record<string, string>; why: string };

async function addEntry(w: SchedulingWorld, body: Record<string, unknown>): Promise<Entry> {
  const res = await w.owner.post(`${w.base}/waitlist`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as Entry;
}

async function slotCandidates(w: SchedulingWorld, q: Record<string, string>) {
  const res = await w.owner.get(`${w.base}/waitlist/candidates/slot?${new URLSearchParams(q).toString()}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { slot: { weekday: number; dayPart: string }; items: Candidate[] };
}

/** Books client 0 with clinician 0 in person (room 0) at `start` and cancels it: the freed slot. */
async function freedAppointment(w: SchedulingWorld, start = '2030-01-07T10:00'): Promise<string> {
  const booked = await w.owner.post(`${w.base}/appointments`, bookingBody(w, { start }));
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const id: string = booked.body.appointments[0].id;
  const cancel = await w.owner.post(`${w.base}/appointments/${id}/status`, {
    status: 'cancelled',
    cancelledBy: 'practice',
    reason: 'clinician ill',
  });
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  return id;
}

describe('waitlist entries', () => {
  it('lists the most urgent first, then the longest waiting, and logs each client shown', async () => {
    const w = await schedulingWorld(t, { clients: 4 });
    const [c0, c1, c2, c3] = w.clientIds;
    const first = await addEntry(w, { clientId: c0, urgency: 'routine' });
    const urgent = await addEntry(w, { clientId: c1, urgency: 'urgent', remark: 'call after 10' });
    const soon = await addEntry(w, { clientId: c2, urgency: 'soon' });
    const last = await addEntry(w, { clientId: c3 });
    assert.equal(last.urgency, 'routine');
    const list = await w.owner.get(`${w.base}/waitlist`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((e: Entry) => e.id),
      [urgent.id, soon.id, first.id, last.id],
    );
    assert.deepEqual((await auditedClients(t, w.practice.id, 'waitlist.read')).sort(), [c0, c1, c2, c3].sort());
    assert.deepEqual(await auditedClients(t, w.practice.id, 'waitlist.create'), [c0, c1, c2, c3]);

    // Removing keeps the row; it leaves the default list.
    const removed = await w.owner.delete(`${w.base}/waitlist/${soon.id}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.status, 'removed');
    const after = await w.owner.get(`${w.base}/waitlist`);
    assert.deepEqual(
      after.body.items.map((e: Entry) => e.id),
      [urgent.id, first.id, last.id],
    );
    const all = await w.owner.get(`${w.base}/waitlist?status=removed`);
    assert.deepEqual(
      all.body.items.map((e: Entry) => e.id),
      [soon.id],
    );
    const changed = await w.owner.patch(`${w.base}/waitlist/${last.id}`, { urgency: 'urgent' });
    assert.equal(changed.status, 200);
    const reordered = await w.owner.get(`${w.base}/waitlist`);
    assert.deepEqual(
      reordered.body.items.map((e: Entry) => e.id),
      [urgent.id, last.id, first.id],
      'two urgent entries: the one waiting longer first',
    );
  });

  it('names bad input by field', async () => {
    const w = await schedulingWorld(t);
    const unknown = await w.owner.post(`${w.base}/waitlist`, { clientId: crypto.randomUUID() });
    assert.equal(unknown.status, 400);
    assert.deepEqual(fieldPaths(unknown), ['body.clientId']);
    const weekday = await w.owner.post(`${w.base}/waitlist`, { clientId: w.clientIds[0], weekdays: [1, 8] });
    assert.equal(weekday.status, 400);
    assert.deepEqual(fieldPaths(weekday), ['body.weekdays.1']);
    const part = await w.owner.post(`${w.base}/waitlist`, { clientId: w.clientIds[0], dayParts: ['night'] });
    assert.equal(part.status, 400);
    assert.deepEqual(fieldPaths(part), ['body.dayParts.0']);
    const clinician = await w.owner.post(`${w.base}/waitlist`, { clientId: w.clientIds[0], clinicianId: crypto.randomUUID() });
    assert.deepEqual(fieldPaths(clinician), ['body.clinicianId']);
    const remark = await w.owner.post(`${w.base}/waitlist`, { clientId: w.clientIds[0], remark: 'x'.repeat(301) });
    assert.deepEqual(fieldPaths(remark), ['body.remark']);
    const list = await w.owner.get(`${w.base}/waitlist`);
    assert.equal(list.body.items.length, 0, 'nothing saved');
  });

  it('lets clinicians read the waitlist (the entries waiting for them, and clients they treat) but not add to it', async () => {
    const w = await schedulingWorld(t);
    await addEntry(w, { clientId: w.clientIds[0], clinicianId: w.clinicians[0]!.membershipId });
    // Waiting for anyone, a client the clinician does not treat: not theirs to see.
    await addEntry(w, { clientId: w.clientIds[2] });
    const clinician = await signIn(t, w.clinicians[0]!.user);
    const add = await clinician.post(`${w.base}/waitlist`, { clientId: w.clientIds[1] });
    assert.equal(add.status, 403);
    const read = await clinician.get(`${w.base}/waitlist`);
    assert.equal(read.status, 200);
    assert.equal(read.body.items.length, 1);
    assert.equal((read.body.items as Entry[])[0]?.client.id, w.clientIds[0]);
    const [entry] = read.body.items as Entry[];
    const remove = await clinician.delete(`${w.base}/waitlist/${entry!.id}`);
    assert.equal(remove.status, 403);
  });
});

describe('candidates for a free slot', () => {
  it("matches clinician, mode, weekday and day part in the practice's zone, across daylight saving", async () => {
    const w = await schedulingWorld(t, { clients: 3 });
    const [m0, m1] = w.clinicians.map((c) => c.membershipId);
    const [c0, c1, c2] = w.clientIds;
    const wanted = await addEntry(w, { clientId: c0, clinicianId: m0, modes: ['video'], weekdays: [1], dayParts: ['morning'] });
    await addEntry(w, { clientId: c1, clinicianId: m1 });
    await addEntry(w, { clientId: c1, modes: ['in_person'] });
    await addEntry(w, { clientId: c1, weekdays: [2] });
    const evening = await addEntry(w, { clientId: c1, dayParts: ['evening'], urgency: 'soon' });
    const any = await addEntry(w, { clientId: c2 });
    const video = { durationMinutes: '50', clinicianId: m0!, mode: 'video' };

    // Monday 09:00 in winter time (March, before the switch), in summer time, and in November.
    for (const start of ['2030-03-25T09:00', '2030-04-01T09:00', '2030-11-04T09:00']) {
      const r = await slotCandidates(w, { ...video, start });
      assert.equal(r.slot.weekday, 1, start);
      assert.equal(r.slot.dayPart, 'morning', start);
      assert.deepEqual(
        r.items.map((c) => c.entry.id),
        [wanted.id, any.id],
        start,
      );
      assert.deepEqual(r.items[0]?.matches, { clinician: 'named', mode: 'named', weekday: 'named', dayPart: 'named', service: 'any' });
      assert.match(r.items[0]?.why ?? '', /Monday is a wanted day/);
    }
    // 17:30 local is 16:30 UTC in winter: evening here, not afternoon.
    const late = await slotCandidates(w, { ...video, start: '2030-03-25T17:30' });
    assert.equal(late.slot.dayPart, 'evening');
    assert.deepEqual(
      late.items.map((c) => c.entry.id),
      [evening.id, any.id],
      'the more urgent first',
    );
    // 12:30 local in summer time is 10:30 UTC: afternoon here.
    const noon = await slotCandidates(w, { ...video, start: '2030-04-01T12:30' });
    assert.equal(noon.slot.dayPart, 'afternoon');
    assert.ok(!noon.items.some((c) => c.entry.id === wanted.id));
    // Monday 00:30 local is still Sunday in UTC.
    const night = await slotCandidates(w, { ...video, start: '2030-11-04T00:30' });
    assert.equal(night.slot.weekday, 1);
    assert.equal(night.slot.dayPart, 'morning', 'before 12:00');
    assert.ok(
      night.items.some((c) => c.entry.id === wanted.id),
      'Monday locally, though Sunday in UTC',
    );
    // Another clinician's slot is not for an entry that names clinician 0.
    const other = await slotCandidates(w, { ...video, clinicianId: m1!, start: '2030-03-25T09:00' });
    assert.ok(!other.items.some((c) => c.entry.id === wanted.id));
    assert.ok(other.items.length >= 2);
  });

  it("proposes waiting entries for a cancelled appointment, not the cancelling client's own", async () => {
    const w = await schedulingWorld(t, { clients: 3 });
    const [c0, c1] = w.clientIds;
    const own = await addEntry(w, { clientId: c0 });
    const other = await addEntry(w, { clientId: c1, modes: ['in_person', 'video'], weekdays: [1], dayParts: ['morning'] });
    await addEntry(w, { clientId: w.clientIds[2], modes: ['phone'] });
    const freed = await freedAppointment(w);
    const res = await w.owner.get(`${w.base}/waitlist/candidates?appointmentId=${freed}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.slot.freed, true);
    assert.equal(res.body.slot.localStart, '2030-01-07T10:00');
    assert.deepEqual(
      res.body.items.map((c: Candidate) => c.entry.id),
      [other.id],
    );
    assert.ok(!res.body.items.some((c: Candidate) => c.entry.id === own.id));
    assert.deepEqual(await auditedClients(t, w.practice.id, 'waitlist.candidates_read'), [c1]);
  });
});

describe('offers', () => {
  it('books the freed slot when the client accepts; the appointment shows in the calendar', async () => {
    const w = await schedulingWorld(t, { clients: 2 });
    const c1 = w.clientIds[1]!;
    const entry = await addEntry(w, { clientId: c1 });
    const freed = await freedAppointment(w);
    const offer = await w.owner.post(`${w.base}/waitlist/${entry.id}/offers`, { appointmentId: freed });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    assert.equal(offer.body.entry.status, 'offered');
    assert.equal(offer.body.offer.status, 'open');
    assert.equal(offer.body.offer.localStart, '2030-01-07T10:00');
    const accept = await w.owner.post(`${w.base}/waitlist/offers/${offer.body.offer.id}/accept`);
    assert.equal(accept.status, 200, JSON.stringify(accept.body));
    assert.equal(accept.body.offer.status, 'accepted');
    assert.equal(accept.body.entry.status, 'booked');
    const bookedId: string = accept.body.offer.appointmentId;
    assert.ok(bookedId && bookedId !== freed);
    const list = await w.owner.get(`${w.base}/appointments?from=2030-01-06T23:00:00Z&to=2030-01-07T23:00:00Z&clientId=${c1}`);
    assert.equal(list.status, 200);
    const [a] = list.body.items;
    assert.equal(a.id, bookedId);
    assert.equal(a.localStart, '2030-01-07T10:00');
    assert.equal(a.mode, 'in_person');
    assert.equal(a.roomId, w.roomIds[0], 'the room of the freed appointment');
    assert.equal(a.durationMinutes, 50);
    assert.deepEqual(await auditedClients(t, w.practice.id, 'appointment.create'), [w.clientIds[0], c1]);
    assert.deepEqual(await auditedClients(t, w.practice.id, 'waitlist.offer_accept'), [c1]);
    // Not waiting any more; a second accept changes nothing.
    assert.equal((await w.owner.get(`${w.base}/waitlist`)).body.items.length, 0);
    const again = await w.owner.post(`${w.base}/waitlist/offers/${offer.body.offer.id}/accept`);
    assert.equal(again.status, 200);
    assert.equal((await appointmentCounts(t, w.practice.id)).appointments, 2);
  });

  it('answers 409 and books nothing when someone else took the slot; the offer stays open', async () => {
    const w = await schedulingWorld(t, { clients: 3 });
    const [, c1, c2] = w.clientIds;
    const entry = await addEntry(w, { clientId: c1 });
    const freed = await freedAppointment(w);
    const offer = await w.owner.post(`${w.base}/waitlist/${entry.id}/offers`, { appointmentId: freed });
    assert.equal(offer.status, 201);
    const taken = await w.owner.post(`${w.base}/appointments`, bookingBody(w, { clientIds: [c2] }));
    assert.equal(taken.status, 201);
    const before = await appointmentCounts(t, w.practice.id);
    const accept = await w.owner.post(`${w.base}/waitlist/offers/${offer.body.offer.id}/accept`);
    assert.equal(accept.status, 409, JSON.stringify(accept.body));
    assert.deepEqual(await appointmentCounts(t, w.practice.id), before);
    const list = await w.owner.get(`${w.base}/waitlist`);
    const [still] = list.body.items as Entry[];
    assert.equal(still?.status, 'offered');
    assert.equal(still?.offers[0]?.status, 'open');
  });

  it('puts the entry back on the waitlist when the client declines', async () => {
    const w = await schedulingWorld(t, { clients: 2 });
    const entry = await addEntry(w, { clientId: w.clientIds[1], serviceId: w.serviceId, urgency: 'urgent' });
    const offer = await w.owner.post(`${w.base}/waitlist/${entry.id}/offers`, {
      start: '2030-01-08T14:00',
      durationMinutes: 45,
      clinicianId: w.clinicians[0]!.membershipId,
      mode: 'video',
    });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    const decline = await w.owner.post(`${w.base}/waitlist/offers/${offer.body.offer.id}/decline`);
    assert.equal(decline.status, 200);
    assert.equal(decline.body.offer.status, 'declined');
    assert.equal(decline.body.entry.status, 'waiting');
    const candidates = await slotCandidates(w, {
      start: '2030-01-08T14:00',
      durationMinutes: '45',
      clinicianId: w.clinicians[0]!.membershipId,
      mode: 'video',
    });
    assert.deepEqual(
      candidates.items.map((c) => c.entry.id),
      [entry.id],
    );
    // An offer of an appointment that still holds its time, or of an in-person slot without a room, is refused.
    const planned = await w.owner.post(`${w.base}/appointments`, bookingBody(w, { start: '2030-01-09T10:00' }));
    const notFreed = await w.owner.post(`${w.base}/waitlist/${entry.id}/offers`, { appointmentId: planned.body.appointments[0].id });
    assert.equal(notFreed.status, 409);
    const inPerson = await w.owner.post(`${w.base}/waitlist/${entry.id}/offers`, {
      start: '2030-01-08T14:00',
      durationMinutes: 45,
      clinicianId: w.clinicians[0]!.membershipId,
      mode: 'in_person',
    });
    assert.deepEqual(fieldPaths(inPerson), ['body.mode']);
  });
});
