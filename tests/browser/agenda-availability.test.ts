import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signIn } from '../../apps/server/src/test/factories.ts';
import { agendaPractice, day, ZONE } from './agenda-world.ts';
import type { TestApp } from '../../apps/server/src/test/harness.ts';
import { accessibilityProblems, browserSuite, openPage, shot, signInPage, withFailureShot } from './browser.ts';

const suite = browserSuite();
/** The Monday of next week in the practice's zone, plus `days`. */
function nextWeek(days = 0): string {
  const weekday = (new Date(`${day()}T12:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
  return day(7 - weekday + days);
}

/**
 * A clinician who works Monday to Friday 09:00–17:00 and has leave on Wednesday of next week;
 * a video/in-person service; two clients waiting for it (one without a service named).
 */
async function availabilityPractice(t: TestApp, suffix: string) {
  const { deps } = t;
  const { practice, backOffice, clinicianId, service, anna, bram } = await agendaPractice(deps, suffix, {
    name: 'Praktijk Rooster',
    weekdays: [1, 2, 3, 4, 5],
    hours: ['09:00', '17:00'],
  });
  const p = practice.id;
  const { db } = deps;
  const annaEntry = await db
    .insertInto('waitlist_entries')
    .values({
      practice_id: p,
      client_id: anna.id,
      service_id: service.id,
      membership_id: null,
      modes: ['video'],
      weekdays: [],
      day_parts: [],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('waitlist_entries')
    .values({ practice_id: p, client_id: bram.id, service_id: null, membership_id: null, modes: [], weekdays: [], day_parts: [] })
    .execute();

  // Leave and an appointment before working hours (booked with a reason), through the API.
  const owner = await signIn(t, practice.owner);
  const base = `/api/v1/practices/${p}`;
  const leave = await owner.post(`${base}/absences`, { kind: 'leave', membershipId: clinicianId, start: nextWeek(2), end: nextWeek(2) });
  assert.equal(leave.status, 201, JSON.stringify(leave.body));
  const early = await owner.post(`${base}/appointments`, {
    clientIds: [anna.id],
    clinicianIds: [clinicianId],
    serviceId: service.id,
    mode: 'video',
    start: `${nextWeek(0)}T07:45`,
    durationMinutes: 45,
    outsideHours: { reason: 'only time the client can make' },
  });
  assert.equal(early.status, 201, JSON.stringify(early.body));
  const earlyId = (early.body as { appointments: { id: string }[] }).appointments[0]!.id;
  return { practice, backOffice, clinicianId, service, annaEntry, earlyId };
}

describe('agenda availability and offering a free slot', () => {
  test('the week shades time outside working hours and labels leave; a free video slot is offered to a waiting client', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const s = await availabilityPractice(t, suffix);
    const p = s.practice.id;
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    const check = async (name: string) => {
      await shot(page, `agenda-availability-${name}`);
      a11y.push(...(await accessibilityProblems(page)).map((x) => `${name}: ${x}`));
    };
    await withFailureShot(watched, 'agenda-availability', async () => {
      await signInPage(page, s.backOffice);
      await page.getByTestId('current-practice-name').waitFor();

      // Next week of Joris: Monday to Friday shaded before 09:00 and after 17:00, the weekend all day, Wednesday on leave.
      await page.goto(`/p/${p}/agenda?view=week&date=${nextWeek(0)}&clinician=${s.clinicianId}`);
      const column = (d: string) => page.getByTestId(`agenda-column-${d}`);
      const leave = column(nextWeek(2)).getByTestId('absence-block');
      await leave.waitFor();
      assert.equal(await leave.getAttribute('data-kind'), 'leave');
      assert.match((await leave.innerText()).trim(), /^Leave$/);
      assert.equal(await column(nextWeek(1)).getByTestId('absence-block').count(), 0, 'no leave on Tuesday');
      assert.equal(await column(nextWeek(1)).getByTestId('off-hours').count(), 2, 'Tuesday: before 09:00 and after 17:00');
      assert.equal(await column(nextWeek(5)).getByTestId('off-hours').count(), 1, 'Saturday: the whole day');
      await page.getByTestId('agenda-legend').getByText('Outside working hours').waitFor();

      // The shaded morning lies above 09:00: its bottom meets the top of a block starting at 09:00 would.
      const tuesdayMorning = await column(nextWeek(1)).getByTestId('off-hours').first().boundingBox();
      const tuesday = await column(nextWeek(1)).boundingBox();
      assert.ok(tuesdayMorning && tuesday);
      assert.equal(Math.round(tuesdayMorning.y), Math.round(tuesday.y), 'the morning shading starts at the top of the grid (07:00)');
      assert.equal(Math.round(tuesdayMorning.height), 2 * 64, 'and ends at 09:00 (two hours of 64 px)');

      // The appointment at 07:45, inside the shaded morning, is drawn above it and opens on a click.
      const early = page.locator(`[data-appointment-id="${s.earlyId}"]`);
      await early.waitFor();
      await check('01-week');
      await early.click();
      await page.waitForURL(new RegExp(`appointment=${s.earlyId}`));
      // Closed by its button once open (an Escape sent while the drawer mounts can be lost).
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      await page.waitForURL((u) => !u.searchParams.has('appointment'));

      // Side by side, the leave shows in Joris's column.
      await page.goto(`/p/${p}/agenda?view=team&date=${nextWeek(2)}`);
      await column(s.clinicianId).getByTestId('absence-block').getByText('Leave').waitFor();

      // Booking dialog: in person cannot be offered (explained), video can.
      await page.goto(`/p/${p}/agenda?view=week&date=${nextWeek(0)}&clinician=${s.clinicianId}`);
      await page.getByRole('button', { name: 'Book appointment' }).click();
      const book = page.getByRole('dialog', { name: 'Book an appointment' });
      await book.getByLabel('Service').click();
      await page.getByRole('option', { name: /Behandelgesprek/ }).click();
      await book.getByText('In person', { exact: true }).click();
      await book.getByRole('button', { name: 'Find free slots' }).click();
      await book.getByTestId('free-slot').first().waitFor();
      await book.getByTestId('offer-in-person-note').waitFor();
      assert.equal(await book.getByTestId('offer-slot').count(), 0, 'no offer action on in-person slots');

      await book.getByText('Video', { exact: true }).click();
      await book.getByRole('button', { name: 'Find free slots' }).click();
      const firstOffer = book.getByTestId('offer-slot').first();
      await firstOffer.waitFor();
      assert.equal(await book.getByTestId('offer-in-person-note').count(), 0);
      // The first free video slot is Monday 09:00 (Monday 07:45–08:30 is taken, before 09:00 is outside hours).
      const slotText = (await book.getByTestId('free-slot').first().textContent()) ?? '';
      assert.match(slotText, / 09:00$/);
      assert.match((await firstOffer.getAttribute('aria-label')) ?? '', /^Offer \w+ \d{2}\/\d{2}\/\d{4} 09:00 to the waitlist$/);
      await firstOffer.click();

      const panel = book.getByTestId('candidates-panel');
      await panel.getByRole('heading', { name: 'Waiting clients for this free slot' }).waitFor();
      // Bram's entry names no service: shown, but a free slot cannot be offered to him.
      await panel.getByText(`Bram de Vries-${suffix}`).waitFor();
      await panel.getByText('No service on this entry').waitFor();
      assert.equal(await panel.getByRole('button', { name: new RegExp(`Offer: Bram`) }).count(), 0);
      await check('02-candidates');
      await panel.getByRole('button', { name: `Offer: Anna Jansen-${suffix}` }).click();
      await page.getByText(`Slot offered to Anna Jansen-${suffix}`).waitFor();
      // Anna is offered now, no longer waiting: she leaves the list of candidates.
      await panel.getByText(`Anna Jansen-${suffix}`).waitFor({ state: 'detached' });

      const offers = await t.deps.db
        .selectFrom('waitlist_offers')
        .innerJoin('waitlist_entries', 'waitlist_entries.id', 'waitlist_offers.entry_id')
        .select([
          'waitlist_offers.entry_id',
          'waitlist_offers.membership_id',
          'waitlist_offers.mode',
          'waitlist_offers.starts_at',
          'waitlist_offers.ends_at',
          'waitlist_offers.appointment_id',
          'waitlist_entries.status',
        ])
        .where('waitlist_offers.practice_id', '=', p)
        .execute();
      assert.equal(offers.length, 1);
      const o = offers[0]!;
      assert.equal(o.entry_id, s.annaEntry.id);
      assert.equal(o.membership_id, s.clinicianId);
      assert.equal(o.mode, 'video');
      assert.equal(o.appointment_id, null);
      assert.equal(o.status, 'offered');
      assert.equal(o.ends_at.getTime() - o.starts_at.getTime(), 45 * 60_000);
      const local = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' }).format(
        o.starts_at,
      );
      assert.equal(local, `${nextWeek(0)}, 09:00`);

      // The waitlist shows the open offer.
      await page.goto(`/p/${p}/waitlist`);
      await page
        .getByRole('row')
        .filter({ hasText: `Anna Jansen-${suffix}` })
        .getByText(/Offered: /)
        .waitFor();
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, []);
    await context.close();
  });
});
