import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addMember, createTestPractice, createUser, type TestUser } from '../../apps/server/src/test/factories.ts';
import { accessibilityProblems, browserSuite, openPage, shot, signInPage as signIn, withFailureShot } from './browser.ts';

const suite = browserSuite();

/** Signs `user` in in a fresh browser context and runs `journey`; page errors and accessibility problems fail it. */
async function as(
  browser: Browser,
  url: string,
  user: TestUser,
  name: string,
  journey: (page: Page, check: (n: string) => Promise<void>) => Promise<void>,
) {
  const watched = await openPage(browser, url);
  const { context, page, problems } = watched;
  const a11y: string[] = [];
  const check = async (n: string) => {
    await shot(page, `treatment-${name}-${n}`);
    a11y.push(...(await accessibilityProblems(page)).map((p) => `treatment-${name}-${n}: ${p}`));
  };
  await withFailureShot(watched, `treatment-${name}`, async () => {
    await signIn(page, user);
    await page.getByTestId('current-practice-name').waitFor();
    await journey(page, check);
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
  await context.close();
}

describe('treatment relationships in the web app', () => {
  test('back office assigns a clinician; another clinician breaks the glass with a reason; the owner sees it', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const practice = await createTestPractice(t.deps, { name: `Praktijk Eik ${suffix}` });
    const bo = await createUser(t.deps, { name: 'Bo Backoffice' });
    await addMember(t.deps, practice.id, bo, ['back_office']);
    const treating = await createUser(t.deps, { name: `Dr. Tamara ${suffix}` });
    await addMember(t.deps, practice.id, treating, ['clinician']);
    const other = await createUser(t.deps, { name: 'Dr. Olaf Anders' });
    await addMember(t.deps, practice.id, other, ['clinician']);
    const lastName = `Vos-${suffix}`;
    const client = await t.deps.db
      .insertInto('clients')
      .values({
        practice_id: practice.id,
        client_number: 'C-000042',
        first_name: 'Lieke',
        last_name: lastName,
        date_of_birth: '1990-04-12',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reason = 'Waarneming: cliënt belt in crisis, Tamara is afwezig';

    await as(browser, t.url, bo, 'backoffice', async (page, check) => {
      await page.goto(`/p/${practice.id}/clients/${client.id}/trajectories`);
      const panel = page.getByTestId('treating-clinicians');
      await panel.getByText('Nog niemand behandelt deze cliënt.').waitFor();
      await panel.getByRole('combobox', { name: 'Behandelaar toewijzen' }).click();
      await page.getByRole('option', { name: `Dr. Tamara ${suffix}` }).click();
      await panel.getByRole('button', { name: 'Toewijzen' }).click();
      await page.getByText(`Dr. Tamara ${suffix} behandelt deze cliënt nu.`).waitFor();
      await panel.getByRole('cell', { name: 'Behandelt' }).waitFor();
      await check('01-assigned');
      await page.getByRole('tab', { name: 'Geschiedenis' }).click();
      await page.getByRole('cell', { name: 'Behandelrelatie gestart' }).waitFor();
    });

    await as(browser, t.url, other, 'glass', async (page, check) => {
      await page.goto(`/p/${practice.id}/clients`);
      await page.getByText('U ziet de cliënten die u behandelt. Zoek een andere cliënt op het exacte cliëntnummer of BSN.').waitFor();
      await page.getByRole('searchbox', { name: 'Zoeken' }).fill('C-000042');
      const hits = page.getByTestId('restricted-hits');
      await hits.getByText('C-000042').waitFor();
      assert.equal(await page.getByText(lastName).count(), 0, 'a restricted hit shows no name');
      await check('01-restricted-hit');
      await hits.getByRole('link', { name: 'Openen met noodtoegang' }).click();
      const card = page.getByTestId('break-glass');
      await card.getByText('Deze cliënt is niet bij u in behandeling').waitFor();
      assert.equal(await page.getByText(lastName).count(), 0, 'the closed file shows no name');
      await check('02-break-glass');
      await card.getByRole('textbox', { name: 'Reden' }).fill(reason);
      await card.getByRole('button', { name: 'Dossier openen (noodtoegang)' }).click();
      await page.getByRole('heading', { name: `Lieke ${lastName}` }).waitFor();
      await page.getByText(/Het dossier is open tot/).waitFor();
      await check('03-opened');
    });

    await as(browser, t.url, practice.owner, 'owner', async (page, check) => {
      await page.getByRole('navigation').getByRole('link', { name: 'Toegangslog' }).click();
      const list = page.getByTestId('break-glass-list');
      await list.getByRole('cell', { name: reason }).waitFor();
      await list.getByRole('cell', { name: 'Dr. Olaf Anders' }).waitFor();
      await list.getByRole('link', { name: 'C-000042' }).waitFor();
      await check('01-access-log');
    });
  });
});
