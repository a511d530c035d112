/**
 * A booking is checked by one read before its transaction (prepareBooking); the database's
 * exclusion constraints are what guarantees no double booking. These tests take the check
 * out of the way to show the guarantee does not rest on it.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import type { AppointmentCreateBody } from '@calmdesk/shared';
import { pgErrorCode, AppError } from '../../platform/errors.ts';
import type { PracticeCtx } from '../../platform/context.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { bookAppointment, prepareBooking } from './book-appointment.ts';
import { appointmentCounts, bookingBody, overlapCount, schedulingWorld, type SchedulingWorld } from './scheduling.fixture.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Body = z.infer<typeof AppointmentCreateBody>;

async function ownerAccess(w: SchedulingWorld) {
  const m = await t.deps.db
    .selectFrom('memberships')
    .select(['id', 'user_id'])
    .where('practice_id', '=', w.practice.id)
    .where('user_id', '=', w.practice.owner.id)
    .executeTakeFirstOrThrow();
  return { practiceId: w.practice.id, membershipId: m.id, userId: m.user_id, roles: ['owner' as const] };
}

describe('no double booking without the pre-check', () => {
  it('the database refuses an overlapping clinician, client or room written past the application', async () => {
    const w = await schedulingWorld(t);
    const insert = async (start: string, end: string, who: { clinician?: string; client?: string; room?: string }) => {
      const id = crypto.randomUUID();
      await t.deps.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('appointments')
          .values({
            id,
            practice_id: w.practice.id,
            service_id: w.serviceId,
            mode: who.room ? 'in_person' : 'video',
            location_id: who.room ? w.locationId : null,
            room_id: who.room ?? null,
            starts_at: new Date(start),
            ends_at: new Date(end),
            local_start: start.slice(0, 16).replace('T', ' '),
            time_zone: 'Europe/Amsterdam',
          })
          .execute();
        if (who.clinician) {
          await tx
            .insertInto('appointment_clinicians')
            .values({ appointment_id: id, practice_id: w.practice.id, membership_id: who.clinician })
            .execute();
        }
        if (who.client) {
          await tx
            .insertInto('appointment_clients')
            .values({ appointment_id: id, practice_id: w.practice.id, client_id: who.client })
            .execute();
        }
      });
    };
    const clinician = w.clinicians[0]?.membershipId ?? '';
    const client = w.clientIds[0] ?? '';
    const room = w.roomIds[0] ?? '';
    await insert('2030-02-04T09:00:00Z', '2030-02-04T10:00:00Z', { clinician, client, room });
    const refusal = async (who: Parameters<typeof insert>[2]) => {
      const err = await insert('2030-02-04T09:30:00Z', '2030-02-04T10:30:00Z', who).then(
        () => null,
        (e: unknown) => e as { constraint?: string },
      );
      assert.equal(pgErrorCode(err), '23P01', `refused as an overlap: ${JSON.stringify(who)}`);
      return err?.constraint;
    };
    assert.equal(await refusal({ clinician }), 'appointment_clinicians_no_overlap');
    assert.equal(await refusal({ client }), 'appointment_clients_no_overlap');
    assert.equal(await refusal({ room }), 'appointments_room_no_overlap');
    // Back to back is allowed (half-open ranges).
    await insert('2030-02-04T10:00:00Z', '2030-02-04T11:00:00Z', { clinician, client, room });
    assert.equal(await overlapCount(t, w.practice.id), 0);
  });

  it('a booking checked before a competing one committed gets the same 409 from the constraint, and saves nothing', async () => {
    const w = await schedulingWorld(t);
    const access = await ownerAccess(w);
    const body = bookingBody(w) as Body;
    // Checked while the time is still free …
    const prepared = await prepareBooking(t.deps.db, access, body);
    // … then someone else books it first.
    const first = await w.owner.post(`${w.base}/appointments`, body);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const before = await appointmentCounts(t, w.practice.id);

    const late = await t.deps.db
      .transaction()
      .execute((tx) => {
        const ctx: PracticeCtx = {
          deps: t.deps,
          tx,
          practiceId: access.practiceId,
          membershipId: access.membershipId,
          roles: access.roles,
          actor: { userId: access.userId, sessionId: crypto.randomUUID(), secondFactorAt: new Date() },
          meta: { requestId: 'race-test', ip: null, userAgent: null },
        };
        return bookAppointment(ctx, body, undefined, prepared);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(late instanceof AppError, `refused with an AppError, got ${String(late)}`);
    assert.equal(late.status, 409);
    // The pre-check refuses the same request with the same field and message.
    const again = await w.owner.post(`${w.base}/appointments`, body);
    assert.equal(again.status, 409);
    assert.deepEqual(late.fields, again.body.error.fields);
    assert.deepEqual(again.body.error.fields[0].sentences, [{ key: 'taken.room', params: {} }], 'a translatable form of the message');
    assert.deepEqual(await appointmentCounts(t, w.practice.id), before);
    assert.equal(await overlapCount(t, w.practice.id), 0);
  });
});

describe('refusals a client can translate', () => {
  it('names a taken clinician, and each reason a series is outside working hours, as sentences with parameters', async () => {
    const w = await schedulingWorld(t);
    const video = { mode: 'video', locationId: undefined, roomId: undefined };
    const first = await w.owner.post(`${w.base}/appointments`, bookingBody(w, video));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const taken = await w.owner.post(`${w.base}/appointments`, bookingBody(w, { ...video, clientIds: [w.clientIds[1]] }));
    assert.equal(taken.status, 409);
    const who = w.clinicians[0]?.name ?? '';
    assert.deepEqual(taken.body.error.fields, [
      {
        path: 'body.clinicianIds',
        message: `${who} already has an appointment then`,
        sentences: [{ key: 'taken.clinician', params: { who } }],
      },
    ]);

    // Two Saturday sessions at 10:00 (the fixture's clinicians work Monday to Friday).
    const outside = await w.owner.post(
      `${w.base}/appointments`,
      bookingBody(w, { ...video, start: '2030-01-12T10:00', recurrence: { frequency: 'weekly', interval: 1, count: 2 } }),
    );
    assert.equal(outside.status, 409);
    assert.equal(outside.body.error.code, 'outside_working_hours');
    const [field] = outside.body.error.fields;
    assert.deepEqual(field.sentences, [
      { key: 'hours.notWorking', params: { who, weekday: 6, date: '2030-01-12', time: '10:00', mode: 'video' } },
      { key: 'hours.notWorking', params: { who, weekday: 6, date: '2030-01-19', time: '10:00', mode: 'video' } },
    ]);
    assert.equal(field.message, `${who} does not work Sat 2030-01-12 10:00 (video); ${who} does not work Sat 2030-01-19 10:00 (video)`);
  });
});
