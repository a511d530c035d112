import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, ageSecondFactor, createTestPractice, createUser } from '../../apps/server/src/test/factories.ts';
import { accessibilityProblems, browserSuite, enterCode, openPage, shot, signInPage as signIn, withFailureShot } from './browser.ts';

const suite = browserSuite();
const ZONE = 'Europe/Amsterdam';

/** Today in the practice's zone, plus `days`, as YYYY-MM-DD. */
function day(days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
const enDate = (iso: string) => iso.split('-').reverse().join('/');
const nlDate = (iso: string) => iso.split('-').reverse().join('-');

/** Retries `probe` until it returns without throwing (the server saves after the click returns). */
async function eventually<T>(probe: () => Promise<T>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await probe();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('scheduling settings in the web app', () => {
  test('the owner sets reminders, records leave, picks who offers a service and makes and revokes a calendar feed', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const owner = await createUser(t.deps, { name: 'Eva de Linde' });
    const practice = await createTestPractice(t.deps, { name: `Praktijk Planning ${suffix}`, owner });
    const clinician = await createUser(t.deps, { name: 'Joris Bakker' });
    const clinicianId = await addMember(t.deps, practice.id, clinician, ['clinician']);
    await addMember(t.deps, practice.id, await createUser(t.deps, { name: 'Amira Haddad' }), ['clinician']);
    const { db } = t.deps;
    await db.updateTable('users').set({ locale: 'en' }).where('id', '=', owner.id).execute();
    await db
      .insertInto('services')
      .values({ practice_id: practice.id, name: 'Behandelgesprek', default_duration_minutes: 45, allowed_modes: ['in_person', 'video'] })
      .execute();
    const p = practice.id;

    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    const check = async (name: string) => {
      await shot(page, `settings-scheduling-${name}`);
      a11y.push(...(await accessibilityProblems(page)).map((x) => `${name}: ${x}`));
    };
    await withFailureShot(watched, 'settings-scheduling', async () => {
      await signIn(page, owner);
      await page.getByTestId('current-practice-name').waitFor();

      // Profile: contact details for clients; a bad e-mail address comes back on its field.
      await page.goto(`/p/${p}/settings`);
      await page.getByLabel('Practice name').waitFor();
      await page.getByLabel('Phone number').fill('030 123 45 67');
      const email = page.getByLabel('E-mail address');
      await email.fill('not-an-address');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Please check the marked fields.').waitFor();
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      await check('01-profile-contact-error');
      await email.fill('praktijk@planning.example');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').first().waitFor();
      await eventually(async () => {
        const contact = await db
          .selectFrom('practices')
          .select(['contact_phone', 'contact_email'])
          .where('id', '=', p)
          .executeTakeFirstOrThrow();
        assert.deepEqual(contact, { contact_phone: '030 123 45 67', contact_email: 'praktijk@planning.example' });
      });

      // Scheduling: reminders 48 and 24 hours become 72 and 24; a video address without {roomId} is refused on its field.
      await page.getByRole('tab', { name: 'Scheduling' }).click();
      const first = page.getByRole('textbox', { name: 'Reminder 1' });
      await first.waitFor();
      assert.equal(await first.inputValue(), '48');
      assert.equal(await page.getByRole('textbox', { name: 'Reminder 2' }).inputValue(), '24');
      await first.fill('72');
      const video = page.getByLabel('Video meeting address');
      await video.fill('https://video.example.nl/room');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('the template must contain {roomId}').waitFor();
      assert.equal(await video.getAttribute('aria-invalid'), 'true');
      await check('02-scheduling-field-error');
      await video.fill('https://video.example.nl/{roomId}');
      await page.getByRole('button', { name: 'Add a reminder' }).click();
      await page.getByRole('textbox', { name: 'Reminder 3' }).fill('2');
      await page.getByRole('button', { name: 'Save' }).click();
      await eventually(async () => {
        const saved = await db
          .selectFrom('practices')
          .select(['reminder_lead_hours', 'video_url_template'])
          .where('id', '=', p)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [...saved.reminder_lead_hours].sort((a, b) => b - a),
          [72, 24, 2],
        );
        assert.equal(saved.video_url_template, 'https://video.example.nl/{roomId}');
      });
      // After a reload the page shows what the server kept.
      await page.reload();
      await page.getByRole('textbox', { name: 'Reminder 1' }).waitFor();
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => page.getByRole('textbox', { name: `Reminder ${n}` }).inputValue())), [
        '72',
        '24',
        '2',
      ]);
      await check('03-scheduling');

      // Leave of a clinician: added and listed with who, what and when.
      await page.getByRole('tab', { name: 'Leave and closures' }).click();
      await page.getByText('No leave or closures planned.').waitFor();
      await page.getByRole('button', { name: 'Add leave or closure' }).click();
      const form = page.getByTestId('absence-form');
      await form.getByLabel('Staff member').click();
      await page.getByRole('option', { name: 'Joris Bakker' }).click();
      await form.getByLabel('First day').fill(enDate(day(10)));
      await form.getByLabel('Last day').fill(enDate(day(14)));
      await form.getByLabel('Note').fill('Holiday');
      await check('04-absence-form');
      await form.getByRole('button', { name: 'Save' }).click();
      const row = page.getByTestId('absences-table').getByRole('row', { name: /Joris Bakker/ });
      await row.waitFor();
      const rowText = (await row.textContent()) ?? '';
      assert.ok(rowText.includes('Leave') && rowText.includes('Holiday'), rowText);
      assert.ok(rowText.includes(`${enDate(day(10))} – ${enDate(day(14))}`), rowText);
      const absence = await db
        .selectFrom('absences')
        .select(['membership_id', 'kind'])
        .where('practice_id', '=', p)
        .executeTakeFirstOrThrow();
      assert.deepEqual(absence, { membership_id: clinicianId, kind: 'leave' });
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await check('05-absences');

      // Services: Joris only offers the service, with a 15-minute buffer.
      await page.getByRole('tab', { name: 'Services' }).click();
      await page.getByRole('button', { name: 'Edit: Behandelgesprek' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Buffer after a session (minutes)').fill('15');
      await dialog.getByLabel('Offered by').click();
      await page.getByRole('option', { name: 'Joris Bakker' }).click();
      await dialog.getByLabel('Offered by').press('Escape');
      await check('06-service-form');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const serviceRow = page.getByRole('row', { name: /Behandelgesprek/ });
      assert.match((await serviceRow.textContent()) ?? '', /Joris Bakker/);
      assert.match((await serviceRow.textContent()) ?? '', /15 min/);
      const offered = await db.selectFrom('service_clinicians').select('membership_id').execute();
      assert.ok(offered.some((o) => o.membership_id === clinicianId));

      // Calendar feed of Joris: needs a fresh second factor; the address is shown once and answers text/calendar.
      await page.getByRole('tab', { name: 'Staff' }).click();
      await page.getByRole('button', { name: 'Calendar feed: Joris Bakker' }).click();
      const feed = page.getByTestId('calendar-feed');
      await feed.getByText('There is no calendar feed.').waitFor();
      await ageSecondFactor(t.deps, owner, t.deps.config.session.stepUpMinutes + 1);
      await feed.getByRole('button', { name: 'Make a calendar feed' }).click();
      const stepUp = page.getByTestId('step-up-form');
      await stepUp.waitFor();
      await enterCode(stepUp, owner, 'Confirm');
      const urlField = feed.getByLabel('Address to subscribe to');
      await urlField.waitFor();
      const url = await urlField.inputValue();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/calendar\/[A-Za-z0-9_-]+\.ics$/);
      await feed.getByText(/A calendar feed is active/).waitFor();
      await check('07-feed-created');
      const ics = await fetch(url);
      assert.equal(ics.status, 200);
      assert.match(ics.headers.get('content-type') ?? '', /^text\/calendar/);
      assert.match(await ics.text(), /BEGIN:VCALENDAR/);

      await feed.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog', { name: 'Are you sure?' }).getByRole('button', { name: 'Revoke' }).click();
      await feed.getByText('There is no calendar feed.').waitFor();
      assert.equal(await feed.getByLabel('Address to subscribe to').count(), 0);
      const gone = await fetch(url);
      assert.equal(gone.status, 404);
      await page.keyboard.press('Escape');

      // The same screens in Dutch.
      await page.getByRole('banner').getByText('NL', { exact: true }).click();
      await page.getByRole('tab', { name: 'Planning' }).click();
      await page.getByRole('textbox', { name: 'Herinnering 1' }).waitFor();
      await check('08-nl-scheduling');
      await page.getByRole('tab', { name: 'Verlof en sluiting' }).click();
      const nlRow = page.getByTestId('absences-table').getByRole('row', { name: /Joris Bakker/ });
      await nlRow.waitFor();
      assert.ok(((await nlRow.textContent()) ?? '').includes(`${nlDate(day(10))} – ${nlDate(day(14))}`));
      await check('09-nl-absences');
      await page.getByRole('button', { name: 'Verlof of sluiting toevoegen' }).click();
      const nlForm = page.getByTestId('absence-form');
      await nlForm.getByLabel('Soort').click();
      await page.getByRole('option', { name: 'Praktijk gesloten' }).click();
      await nlForm.getByRole('switch', { name: 'Hele dagen' }).uncheck();
      await nlForm.getByLabel('Van (datum)').fill(nlDate(day(20)));
      await nlForm.getByLabel('Tot (datum)').fill(nlDate(day(20)));
      await nlForm.getByLabel('Begintijd').fill('13:00');
      await nlForm.getByLabel('Eindtijd').fill('17:00');
      await check('10-nl-closure-form');
      await nlForm.getByRole('button', { name: 'Opslaan' }).click();
      const closure = page.getByTestId('absences-table').getByRole('row', { name: /Hele praktijk/ });
      await closure.waitFor();
      assert.ok(((await closure.textContent()) ?? '').includes(`${nlDate(day(20))} 13:00–17:00`));
      // Removing asks first.
      await closure.getByRole('button', { name: /Verwijderen/ }).click();
      await page.getByRole('dialog', { name: 'Weet u het zeker?' }).getByRole('button', { name: 'Verwijderen' }).click();
      await closure.waitFor({ state: 'detached' });
      await page.getByRole('tab', { name: 'Diensten' }).click();
      await page.getByRole('row', { name: /Behandelgesprek/ }).waitFor();
      await check('11-nl-services');
      await page.getByRole('tab', { name: 'Medewerkers' }).click();
      await page.getByRole('button', { name: 'Agenda-abonnement: Joris Bakker' }).click();
      await page.getByTestId('calendar-feed').getByText('Er is geen agenda-abonnement.').waitFor();
      await check('12-nl-feed');
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });

  test('a clinician makes their own calendar feed and reads the other settings', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const practice = await createTestPractice(t.deps, { name: `Praktijk Eigen ${suffix}` });
    const clinician = await createUser(t.deps, { name: 'Lotte Zee' });
    await addMember(t.deps, practice.id, clinician, ['clinician']);
    await t.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', clinician.id).execute();
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    await withFailureShot(watched, 'settings-own-feed', async () => {
      await signIn(page, clinician);
      await page.getByTestId('current-practice-name').waitFor();
      await page.goto(`/p/${practice.id}/settings/feed`);
      const feed = page.getByTestId('calendar-feed');
      await feed.getByRole('button', { name: 'Make a calendar feed' }).click();
      const url = await feed.getByLabel('Address to subscribe to').inputValue();
      assert.equal((await fetch(url)).status, 200);
      await shot(page, 'settings-scheduling-13-own-feed');
      assert.deepEqual(await accessibilityProblems(page), []);
      // The scheduling policy is read-only for a clinician.
      await page.getByRole('tab', { name: 'Scheduling' }).click();
      await page.getByRole('textbox', { name: 'Reminder 1' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
      await page.getByRole('tab', { name: 'Leave and closures' }).click();
      await page.getByText('No leave or closures planned.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Add leave or closure' }).count(), 0);
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
