import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { Tx } from '../db/database.ts';
import type { AppDeps, PracticeCtx } from '../platform/context.ts';
import { localDate } from '../platform/local-date.ts';
import { changeAppointmentStatus } from '../modules/scheduling/appointment-status.ts';
import { createAbsence } from '../modules/scheduling/absences.ts';
import { bookAppointment } from '../modules/scheduling/book-appointment.ts';
import { addToWaitlist, offerSlot } from '../modules/scheduling/waitlist.ts';

const ZONE = 'Europe/Amsterdam';
const MORNING = ['09:00', '10:00', '11:00'];
/** The first clinician's day of leave (Thursday next week) and the practice's team day (Wednesday in two weeks). */
const LEAVE = { week: 1, day: 3 };
const CLOSURE = { week: 2, day: 2 };
const isAway = (week: number, day: number, clinician: number) =>
  (week === LEAVE.week && day === LEAVE.day && clinician === 0) || (week === CLOSURE.week && day === CLOSURE.day);

/**
 * A few weeks of agenda for the demo, booked through the same use cases as the API (so the
 * exclusion constraints, access log and reminders see them): two weeks back (mostly attended,
 * a no-show, a late cancellation) and three ahead, in the practice's rooms in the morning and
 * by video or phone in the afternoon, plus a weekly series per clinician (Tuesdays). The
 * agenda shows a clinician's day of leave next week and a practice closure (team day) the
 * week after, both on days left free of sessions.
 */
export async function seedDemoAppointments(deps: AppDeps, tx: Tx, practiceId: string, backOfficeUserId: string): Promise<number> {
  const backOffice = await tx
    .selectFrom('memberships')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where('user_id', '=', backOfficeUserId)
    .executeTakeFirstOrThrow();
  const ctx: PracticeCtx = {
    deps,
    tx,
    practiceId,
    membershipId: backOffice.id,
    roles: ['back_office'],
    actor: { userId: backOfficeUserId, sessionId: 'demo-seed', secondFactorAt: new Date() },
    meta: { requestId: 'demo-seed', ip: null, userAgent: null },
  };
  const clinicians = await tx
    .selectFrom('memberships')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where(sql<boolean>`roles @> ARRAY['clinician']`)
    .orderBy('created_at')
    .execute();
  const clients = await tx
    .selectFrom('clients')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where('status', 'in', ['registered', 'intake', 'in_treatment'])
    .orderBy('client_number')
    .execute();
  // Most demo clients agreed to reminders at intake (so the outbox shows invitations and reminders).
  const agreed = (kind: string) =>
    sql`jsonb_build_object(${kind}::text, jsonb_build_object('given', true, 'date', ${localDate(ZONE)}::text, 'source', 'intakeformulier'))`;
  await tx
    .updateTable('clients')
    .set({ consents: sql`consents || ${agreed('remindersEmail')} || ${agreed('onlineTreatment')}` as never })
    .where('practice_id', '=', practiceId)
    .where(sql<boolean>`right(client_number, 1) NOT IN ('3', '7')`)
    .execute();
  const location = await tx.selectFrom('locations').select('id').where('practice_id', '=', practiceId).executeTakeFirstOrThrow();
  const rooms = await tx.selectFrom('rooms').select('id').where('location_id', '=', location.id).orderBy('name').execute();
  const services = await tx.selectFrom('services').select(['id', 'name']).where('practice_id', '=', practiceId).execute();
  const treatment = services.find((s) => s.name.startsWith('Behandeling 45'))?.id;
  const intake = services.find((s) => s.name === 'Intake')?.id;
  if (!treatment || !intake || clinicians.length === 0 || clients.length < clinicians.length * 2) return 0;

  const today = Temporal.Now.plainDateISO(ZONE);
  const monday = today.subtract({ days: today.dayOfWeek - 1 });
  const now = Date.now();
  let booked = 0;
  const past: { id: string; n: number }[] = [];
  const ahead: { id: string; clientId: string; clinicianId: string; mode: string; startsAt: number }[] = [];
  const book = async (input: Parameters<typeof bookAppointment>[1]) => {
    const result = await bookAppointment(ctx, input);
    for (const a of result.appointments) {
      booked++;
      if (Date.parse(a.endsAt) < now) past.push({ id: a.id, n: booked });
      else if (!a.seriesId && Date.parse(a.startsAt) > now + 2 * 86_400_000) {
        ahead.push({
          id: a.id,
          clientId: a.clients[0]?.id ?? '',
          clinicianId: a.clinicians[0]?.membershipId ?? '',
          mode: a.mode,
          startsAt: Date.parse(a.startsAt),
        });
      }
    }
  };

  // A weekly series per clinician on Tuesday 09:00, from two weeks back, six sessions.
  const seriesClients = clients.slice(0, clinicians.length);
  for (const [ci, c] of clinicians.entries()) {
    const client = seriesClients[ci];
    if (!client) continue;
    await book({
      clientIds: [client.id],
      clinicianIds: [c.id],
      serviceId: treatment,
      mode: 'in_person',
      locationId: location.id,
      roomId: rooms[ci % rooms.length]?.id,
      start: `${monday.subtract({ weeks: 2 }).add({ days: 1 }).toString()}T09:00`,
      recurrence: { frequency: 'weekly', interval: 1, count: 6 },
    });
  }
  // Singles: at any one time every clinician sees a different client (indices `step` apart).
  const singles = clients.slice(seriesClients.length);
  const step = Math.max(1, Math.floor(singles.length / clinicians.length));
  for (let week = -2; week <= 2; week++) {
    for (let day = 0; day < 4; day++) {
      const date = monday.add({ weeks: week }).add({ days: day }).toString();
      for (const [ci, c] of clinicians.entries()) {
        if (isAway(week, day, ci)) continue;
        for (const [si, time] of MORNING.entries()) {
          if ((day === 1 && si === 0) || (week * 7 + day * 3 + si + ci) % 4 === 0) continue; // series slot; some free time
          const client = singles[((week + 2) * 13 + day * 7 + si * 3 + ci * step) % singles.length];
          if (!client) continue;
          await book({
            clientIds: [client.id],
            clinicianIds: [c.id],
            serviceId: (week + day + si) % 9 === 0 ? intake : treatment,
            mode: (si + ci) % 5 === 0 ? 'video' : 'in_person',
            ...((si + ci) % 5 !== 0 && { locationId: location.id, roomId: rooms[(ci + si) % rooms.length]?.id }),
            start: `${date}T${time}`,
            ...((week + day + si) % 9 === 0 ? { durationMinutes: 60 } : {}),
          });
        }
        if ((day + ci + week) % 2 === 0) {
          const client = singles[((week + 2) * 11 + day * 5 + ci * step + 2) % singles.length];
          if (client) {
            await book({
              clientIds: [client.id],
              clinicianIds: [c.id],
              serviceId: treatment,
              mode: (day + ci) % 3 === 0 ? 'phone' : 'video',
              start: `${date}T14:00`,
            });
          }
        }
      }
    }
  }
  // What happened to the past ones: mostly attended, now and then a no-show or a late cancellation.
  for (const p of past) {
    if (p.n % 17 === 0) {
      await changeAppointmentStatus(ctx, p.id, { status: 'late_cancelled', cancelledBy: 'client', reason: 'ziek gemeld' });
    } else if (p.n % 13 === 0) {
      await changeAppointmentStatus(ctx, p.id, { status: 'no_show', reason: 'niet verschenen, niet bereikbaar' });
    } else {
      await changeAppointmentStatus(ctx, p.id, { status: 'attended' });
    }
  }
  // The days kept free above: the first clinician's day off and the team day.
  const dayOf = (a: { week: number; day: number }) => monday.add({ weeks: a.week, days: a.day }).toString();
  await createAbsence(ctx, {
    kind: 'leave',
    membershipId: clinicians[0]?.id,
    start: dayOf(LEAVE),
    end: dayOf(LEAVE),
    description: 'Vrije dag',
  });
  await createAbsence(ctx, { kind: 'closure', start: dayOf(CLOSURE), end: dayOf(CLOSURE), description: 'Teamdag: praktijk gesloten' });
  await seedDemoWaitlist(ctx, {
    clients: clients.slice(-4).map((c) => c.id),
    clinicians: clinicians.map((c) => c.id),
    treatment,
    freed: ahead.find((a) => a.mode === 'video'),
  });
  return booked;
}

/**
 * Four clients waiting (urgent by video, a named clinician in person on Mondays and
 * Wednesdays, phone in the afternoon, anything), and a video session next week cancelled
 * by its client whose time is offered to the urgent one.
 */
async function seedDemoWaitlist(
  ctx: PracticeCtx,
  w: { clients: string[]; clinicians: string[]; treatment: string; freed: { id: string; clientId: string } | undefined },
): Promise<void> {
  const [urgent, named, phone, any] = w.clients;
  if (!urgent || !named || !phone || !any) return;
  const first = await addToWaitlist(ctx, {
    clientId: urgent,
    serviceId: w.treatment,
    modes: ['video'],
    weekdays: [],
    dayParts: [],
    urgency: 'urgent',
    remark: 'Kan op korte termijn, liefst per video',
  });
  const entries = [
    {
      clientId: named,
      clinicianId: w.clinicians[0],
      modes: ['in_person' as const],
      weekdays: [1, 3],
      dayParts: ['morning' as const],
      urgency: 'soon' as const,
      remark: 'Alleen maandag of woensdag voor 12:00',
    },
    {
      clientId: phone,
      modes: ['phone' as const],
      weekdays: [],
      dayParts: ['afternoon' as const],
      urgency: 'routine' as const,
      remark: 'Werkt ochtenden',
    },
    { clientId: any, modes: [], weekdays: [], dayParts: [], urgency: 'routine' as const },
  ];
  for (const e of entries) await addToWaitlist(ctx, { serviceId: w.treatment, ...e });
  if (w.freed && w.freed.clientId !== urgent) {
    await changeAppointmentStatus(ctx, w.freed.id, { status: 'cancelled', cancelledBy: 'client', reason: 'Kan niet, verhuizing' });
    await offerSlot(ctx, first.id, { appointmentId: w.freed.id });
  }
}
