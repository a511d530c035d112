import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestPractice, createUser, uniqueEmail } from '../../apps/server/src/test/factories.ts';
import { outboxUrl } from '../../apps/server/src/modules/dev/outbox-key.ts';
import { browserSuite, enterCode, openPage, shot, withFailureShot } from './browser.ts';

const suite = browserSuite();

describe('invitations in the web app', () => {
  test('an owner invites a colleague, who follows the link from the development mailbox and creates an account', async () => {
    const { t, browser } = suite;
    const owner = await createUser(t.deps, { name: 'Owner Olga' });
    const practice = await createTestPractice(t.deps, { owner, name: `Praktijk Zon ${crypto.randomUUID().slice(0, 6)}` });
    const colleague = uniqueEmail('colleague');
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    await withFailureShot(watched, 'invitation', async () => {
      // The owner signs in (password, then a code) and sends an invitation.
      await page.goto(`/p/${practice.id}/settings/invitations`);
      await page.getByLabel('E-mail address').fill(owner.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await enterCode(page, owner, 'Continue');
      await page.waitForURL(`**/p/${practice.id}/settings/invitations`);
      await page
        .getByRole('button', { name: 'English' })
        .or(page.getByText('EN', { exact: true }))
        .first()
        .click();
      await page.getByRole('heading', { name: 'Invite a colleague' }).waitFor();
      await page.getByLabel('E-mail address').fill(colleague);
      await page.getByRole('checkbox', { name: 'Clinician' }).check();
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByRole('cell', { name: colleague }).waitFor();
      await shot(page, '07-settings-invitations');
      await page.getByRole('button', { name: 'Sign out' }).click();

      // Without its key the mailbox shows nothing but where to find the link.
      await page.goto('/dev/outbox');
      await page.getByText('which Calmdesk prints in the terminal').waitFor();
      // The colleague opens the mail from the development mailbox — through the link printed
      // at start, with the key of the data folder — and follows its link.
      await page.goto(outboxUrl(t.deps.config));
      const mail = page.getByRole('article').filter({ hasText: colleague });
      await mail.waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the key left the address bar');
      await shot(page, '08-dev-outbox');
      await mail.getByRole('link', { name: /\/invitation\?token=/ }).click();
      // The mailbox names the practice too (subject and text): wait for the invitation page itself.
      await page.waitForURL(/\/invitation\?token=/);
      await page.getByLabel('Your name').waitFor();
      await page.getByText(practice.name).waitFor();
      await page.getByLabel('Your name').fill('Carla Collega');
      await page.getByRole('textbox', { name: 'New password', exact: true }).fill('a long and private sentence 42');
      await page.getByRole('button', { name: 'Create account and accept' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Welcome to ${practice.name}` })
        .waitFor();
      await shot(page, '09-invitation-accepted');

      const account = await t.deps.db.selectFrom('users').select(['name']).where('email', '=', colleague).executeTakeFirst();
      assert.equal(account?.name, 'Carla Collega');
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
