import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { currentTotp } from '../../apps/server/src/modules/identity/totp.ts';
import { addMember, ageSecondFactor, createTestPractice, createUser, nextCode } from '../../apps/server/src/test/factories.ts';
import { accessibilityProblems, browserSuite, enterCode, openPage, saveRecoveryCodes, shot, withFailureShot } from './browser.ts';

const suite = browserSuite();

describe('the web app', () => {
  test('a worker of two practices enrols a second factor, switches practice and signs out', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const user = await createUser(t.deps, { enrolled: false, name: 'Sanne Visser' });
    const first = await createTestPractice(t.deps, { name: `Praktijk Anker ${suffix}` });
    const second = await createTestPractice(t.deps, { name: `Praktijk Linde ${suffix}` });
    await addMember(t.deps, first.id, user, ['back_office']);
    await addMember(t.deps, second.id, user, ['owner', 'back_office']);
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    await withFailureShot(watched, 'journey', async () => {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/login$/);
      await shot(page, '01-login');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'01-login'}: ${p}`));
      await page.getByLabel('E-mail address').fill(user.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      // Enrolment: the key is on the page (grouped for reading, raw in data-secret).
      const key = page.getByTestId('totp-secret');
      await key.waitFor();
      const secret = await key.getAttribute('data-secret');
      assert.ok(secret && /^[A-Z2-7]+$/.test(secret), `expected a base32 secret, got ${secret}`);
      assert.equal((await key.textContent())?.replace(/\s+/g, ''), secret);
      await page.getByRole('img', { name: /QR/ }).waitFor();
      await shot(page, '02-enrolment');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'02-enrolment'}: ${p}`));
      const step = Math.floor(Date.now() / 30_000);
      await page.getByLabel('Code shown by the app').fill(currentTotp(secret, step * 30_000 + 1000));
      await page.getByRole('button', { name: 'Confirm and continue' }).click();

      // The recovery codes, shown once, before the app is entered.
      await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
      await shot(page, '02b-recovery-codes');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'02b-recovery-codes'}: ${p}`));
      const codes = await saveRecoveryCodes(page);
      assert.equal(codes.length, 10);

      // Lands in the first practice (by name), in the account's own language (Dutch).
      const banner = page.getByTestId('current-practice-name');
      await banner.waitFor();
      assert.equal(await banner.textContent(), first.name);
      assert.equal(new URL(page.url()).pathname, `/p/${first.id}`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
      await shot(page, '03-practice-home');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'03-practice-home'}: ${p}`));

      // Switch practice: the banner and the address follow.
      await page.getByTestId('practice-switcher').click();
      await page.getByRole('option', { name: second.name }).click();
      await page.waitForURL(`**/p/${second.id}`);
      await banner.filter({ hasText: second.name }).waitFor();
      assert.equal(await banner.textContent(), second.name);

      // Owner pages of the second practice: settings and the access log (with step-up).
      await page.getByRole('navigation').getByRole('link', { name: 'Praktijkinstellingen' }).click();
      await page.getByLabel('Naam van de praktijk').waitFor();
      assert.equal(await page.getByLabel('Naam van de praktijk').inputValue(), second.name);
      await shot(page, '04-settings-profile');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'04-settings-profile'}: ${p}`));
      // A bad value comes back from the server as a message next to its field.
      const kvk = page.getByLabel('KvK-nummer');
      await kvk.fill('123');
      await page.getByRole('button', { name: 'Opslaan' }).click();
      await page.getByText('KvK number must be 8 digits').waitFor();
      assert.equal(await kvk.getAttribute('aria-invalid'), 'true');
      assert.match((await page.getByRole('alert').first().textContent()) ?? '', /Controleer de gemarkeerde velden/);
      await shot(page, '04b-settings-field-error');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'04b-settings-field-error'}: ${p}`));
      await page.getByRole('tab', { name: 'Medewerkers' }).click();
      await page
        .getByRole('cell', { name: /Sanne Visser/ })
        .first()
        .waitFor();
      await shot(page, '05-settings-staff');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'05-settings-staff'}: ${p}`));

      // Owner edits a member (needs a recent second factor, which the enrolment just gave).
      await page.getByRole('button', { name: 'Wijzigen: Sanne Visser' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('checkbox', { name: 'Behandelaar' }).check();
      await dialog.getByLabel('BIG-nummer').fill('123');
      await dialog.getByRole('button', { name: 'Opslaan' }).click();
      await dialog.getByText('BIG number must be 11 digits').waitFor();
      await dialog.getByLabel('BIG-nummer').fill('19012345601');
      await dialog.getByRole('button', { name: 'Opslaan' }).click();
      await page.getByRole('cell', { name: '19012345601' }).waitFor();

      // Working hours of the clinician: one block on Monday.
      await page.getByRole('button', { name: 'Werktijden: Sanne Visser' }).click();
      await dialog.getByText('Geen werktijden ingesteld.').waitFor();
      await dialog.getByRole('button', { name: 'Blok toevoegen' }).click();
      await dialog.getByLabel('Tot').fill('12:30');
      await shot(page, '05b-working-hours');
      await dialog.getByRole('button', { name: 'Opslaan' }).click();
      await dialog.waitFor({ state: 'detached' });
      const hours = await t.deps.db.selectFrom('working_hours').selectAll().where('practice_id', '=', second.id).execute();
      assert.equal(hours.length, 1);

      await ageSecondFactor(t.deps, { ...user }, t.deps.config.session.stepUpMinutes + 1);
      await page.getByRole('navigation').getByRole('link', { name: 'Toegangslog' }).click();
      const stepUp = page.getByTestId('step-up-form');
      await stepUp.waitFor();
      await stepUp.getByLabel('Code van 6 cijfers').fill(nextCode({ ...user, totpSecret: secret, lastStep: step }));
      await stepUp.getByRole('button', { name: 'Bevestigen' }).click();
      await page.getByRole('columnheader', { name: 'Handeling' }).waitFor();
      await page.getByRole('button', { name: 'Keten controleren' }).click();
      await page.getByTestId('verify-result').waitFor();
      assert.match((await page.getByTestId('verify-result').textContent()) ?? '', /intact/);
      await shot(page, '06-access-log');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `${'06-access-log'}: ${p}`));

      // Own sessions: this browser is listed and marked.
      await page.getByRole('navigation').getByRole('link', { name: 'Mijn sessies' }).click();
      await page.getByText('Deze browser').waitFor();
      await shot(page, '07-sessions');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `07-sessions: ${p}`));

      // Sign out: back at the sign-in page, and the old cookie no longer works.
      const cookie = (await context.cookies()).find((c) => c.name === 'cd_session');
      assert.ok(cookie, 'a session cookie was set');
      await page.getByRole('button', { name: 'Uitloggen' }).click();
      await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      const me = await fetch(`${t.url}/api/v1/me`, { headers: { cookie: `cd_session=${cookie.value}` } });
      assert.equal(me.status, 401);
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });

  test('a practice name with script and markup renders as text and never runs', async () => {
    const { t, browser } = suite;
    const payload = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
    const user = await createUser(t.deps, { name: `<b>bold</b> ${payload}` });
    const practice = await createTestPractice(t.deps, { name: payload, owner: user });
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    await withFailureShot(watched, 'xss', async () => {
      await page.goto('/login');
      await page.getByLabel('E-mail address').fill(user.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await enterCode(page, user, 'Continue');

      const banner = page.getByTestId('current-practice-name');
      await banner.waitFor();
      assert.equal(await banner.textContent(), payload);
      assert.equal(await page.getByTestId('practice-switcher').inputValue(), payload);
      await page.goto(`/p/${practice.id}/settings/staff`);
      await page.getByRole('cell', { name: /bold/ }).first().waitFor();
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.equal(await page.locator('b', { hasText: 'bold' }).count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
