import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { currentTotp } from '../../apps/server/src/modules/identity/totp.ts';
import { addMember, createTestPractice, createUser } from '../../apps/server/src/test/factories.ts';
import { accessibilityProblems, browserSuite, openPage, saveRecoveryCodes, shot, signInPage, withFailureShot } from './browser.ts';

const suite = browserSuite();

describe('a lost authenticator app', () => {
  test('a member saves the recovery codes at enrolment, later signs in with one, is warned, sets up a new app and makes a new set of codes', async () => {
    const { t, browser } = suite;
    const user = await createUser(t.deps, { enrolled: false, name: 'Ruben Reserve' });
    await t.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', user.id).execute();
    const practice = await createTestPractice(t.deps, { name: `Praktijk Haven ${crypto.randomUUID().slice(0, 6)}` });
    await addMember(t.deps, practice.id, user, ['back_office']);
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    await withFailureShot(watched, 'recovery', async () => {
      await page.goto('/login');
      await page.getByLabel('E-mail address').fill(user.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const key = page.getByTestId('totp-secret');
      await key.waitFor();
      user.totpSecret = (await key.getAttribute('data-secret')) ?? '';
      user.lastStep = Math.floor(Date.now() / 30_000);
      await page.getByLabel('Code shown by the app').fill(currentTotp(user.totpSecret, user.lastStep * 30_000 + 1000));
      await page.getByRole('button', { name: 'Confirm and continue' }).click();

      // The codes can be downloaded as a text file that holds all ten.
      await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download (.txt)' }).click()]);
      assert.equal(download.suggestedFilename(), 'calmdesk-recovery-codes.txt');
      const file = fs.readFileSync(await download.path(), 'utf8');
      const codes = await saveRecoveryCodes(page);
      assert.equal(codes.length, 10);
      for (const c of codes) assert.ok(file.includes(c), `${c} is missing from the downloaded file`);
      await page.getByTestId('current-practice-name').waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      // The phone is gone: sign in with a recovery code instead.
      await page.getByLabel('E-mail address').fill(user.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      const field = page.getByLabel('Recovery code');
      // A wrong code is refused next to the field.
      await field.fill('aaaa-bbbb-cccc');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('This recovery code is not correct or was already used.').waitFor();
      await shot(page, '31-recovery-code-refused');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `31-recovery-code-refused: ${p}`));
      await field.fill(codes[0]!.toUpperCase());
      await page.getByRole('button', { name: 'Continue' }).click();

      // In the practice, with a warning that stays until closed.
      await page.getByTestId('current-practice-name').waitFor();
      const warning = page.getByRole('alert').filter({ hasText: 'You signed in with a recovery code' });
      await warning.waitFor();
      assert.match((await warning.textContent()) ?? '', /9 recovery codes left/);
      await shot(page, '32-signed-in-with-recovery-code');
      await warning.getByRole('button', { name: 'Close' }).click();
      await warning.waitFor({ state: 'detached' });

      // Sign-in security: 9 left. The recovery code was a fresh second factor: set up a new app …
      await page.getByRole('navigation').getByRole('link', { name: 'Sign-in security' }).click();
      await page.getByTestId('recovery-remaining').filter({ hasText: '9 of 10 recovery codes left.' }).waitFor();
      await shot(page, '33-security');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `33-security: ${p}`));
      await page.getByRole('button', { name: 'Set up a new authenticator app' }).click();
      const newKey = page.getByTestId('totp-secret');
      await newKey.waitFor();
      const newSecret = (await newKey.getAttribute('data-secret')) ?? '';
      assert.notEqual(newSecret, user.totpSecret);
      await shot(page, '33b-new-authenticator');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `33b-new-authenticator: ${p}`));
      await page.getByLabel('Code shown by the app').fill(currentTotp(newSecret));
      await page.getByRole('button', { name: 'Confirm and continue' }).click();
      await page.getByText('The new authenticator app is set up.', { exact: false }).waitFor();
      const account = await t.deps.db.selectFrom('users').select('totp_secret_enc').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(t.deps.secrets.open(account.totp_secret_enc!), newSecret);

      // … and make a new set of recovery codes.
      await page.getByRole('button', { name: 'Make new recovery codes' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Make new recovery codes' }).click();
      const fresh = await saveRecoveryCodes(page);
      assert.equal(fresh.length, 10);
      assert.ok(fresh.every((c) => !codes.includes(c)));
      await page.getByTestId('recovery-remaining').filter({ hasText: '10 of 10 recovery codes left.' }).waitFor();
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });

  test('an owner resets a member’s authenticator, who then sets up the app again', async () => {
    const { t, browser } = suite;
    const owner = await createUser(t.deps, { name: 'Olga Eigenaar' });
    const member = await createUser(t.deps, { name: 'Mila Medewerker' });
    const practice = await createTestPractice(t.deps, { owner, name: `Praktijk Duin ${crypto.randomUUID().slice(0, 6)}` });
    await addMember(t.deps, practice.id, member, ['clinician']);
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    await withFailureShot(watched, 'reset-authenticator', async () => {
      await signInPage(page, owner);
      await page.getByTestId('current-practice-name').waitFor();
      await page.goto(`/p/${practice.id}/settings/staff`);
      // Not offered for the owner's own account.
      await page.getByRole('button', { name: 'Authenticator resetten: Mila Medewerker' }).click();
      assert.equal(await page.getByRole('button', { name: 'Authenticator resetten: Olga Eigenaar' }).count(), 0);
      const dialog = page.getByRole('dialog', { name: 'De authenticator van Mila Medewerker resetten?' });
      await dialog.getByText(/logt Mila Medewerker overal uit/).waitFor();
      await shot(page, '34-reset-authenticator');
      a11y.push(...(await accessibilityProblems(page)).map((p) => `34-reset-authenticator: ${p}`));
      await dialog.getByRole('button', { name: 'Authenticator resetten' }).click();
      await page.getByText('De authenticator van Mila Medewerker is gereset.', { exact: false }).waitFor();
      await dialog.waitFor({ state: 'detached' });
      const row = await t.deps.db.selectFrom('users').select('totp_enrolled_at').where('id', '=', member.id).executeTakeFirstOrThrow();
      assert.equal(row.totp_enrolled_at, null);
      await page.getByRole('button', { name: 'Uitloggen' }).click();

      // The member signs in with the password and is asked to set up the app again.
      await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
      await page.getByLabel('E-mailadres').fill(member.email);
      await page.getByRole('textbox', { name: 'Wachtwoord', exact: true }).fill(member.password);
      await page.getByRole('button', { name: 'Inloggen' }).click();
      const key = page.getByTestId('totp-secret');
      await key.waitFor();
      const secret = (await key.getAttribute('data-secret')) ?? '';
      await page.getByLabel('Code uit de app').fill(currentTotp(secret));
      await page.getByRole('button', { name: 'Bevestigen en doorgaan' }).click();
      await page.getByRole('list', { name: 'Herstelcodes' }).waitFor();
      await page.getByRole('checkbox', { name: 'Ik heb deze codes bewaard' }).check();
      await page.getByRole('button', { name: 'Doorgaan' }).click();
      await page.getByTestId('current-practice-name').waitFor();
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });
});
