import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addMember, createTestPractice, createUser, randomBsn } from '../../apps/server/src/test/factories.ts';
import { accessibilityProblems, browserSuite, openPage, shot, signInPage as signIn, withFailureShot } from './browser.ts';

const suite = browserSuite();

/** A small, valid-looking PDF: the server checks the first bytes (%PDF-). */
function smallPdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

describe('client records in the web app', () => {
  test('back office registers a client (BSN error, then fixed), uploads a document and finds the client', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const user = await createUser(t.deps, { name: 'Fenna de Boer' });
    const practice = await createTestPractice(t.deps, { name: `Praktijk Duin ${suffix}` });
    await addMember(t.deps, practice.id, user, ['back_office']);
    const lastName = `Jansen-${suffix}`;
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    const check = async (name: string) => {
      await shot(page, `clients-${name}`);
      a11y.push(...(await accessibilityProblems(page)).map((p) => `clients-${name}: ${p}`));
    };
    await withFailureShot(watched, 'clients', async () => {
      await signIn(page, user);
      const banner = page.getByTestId('current-practice-name');
      await banner.waitFor();
      assert.equal(await banner.textContent(), practice.name);

      // The side menu leads to the client list; an empty practice says how to start.
      await page.getByRole('navigation').getByRole('link', { name: 'Cliënten' }).click();
      await page.getByRole('heading', { name: 'Cliënten', exact: true }).waitFor();
      await page.getByTestId('empty-state').waitFor();
      await check('01-empty-list');

      // Register with a BSN that fails the eleven-test: the server's message sits beside the field.
      await page.getByRole('link', { name: 'Cliënt inschrijven' }).click();
      await page.getByRole('heading', { name: 'Cliënt inschrijven' }).waitFor();
      await page.getByLabel('Voornaam').fill('Anna');
      await page.getByLabel('Achternaam').fill(lastName);
      await page.getByLabel('Geboortedatum').fill('27-03-1980');
      const bsn = page.getByLabel('BSN', { exact: true });
      await bsn.fill('123456789');
      await page.getByLabel('Telefoon', { exact: true }).first().fill('06 12345678');
      await page.getByLabel('Postcode').fill('1234 AB');
      await page.getByLabel('Straat').fill('Dorpsstraat');
      await page.getByLabel('Huisnummer').fill('12');
      await page.getByLabel('Woonplaats').fill('Utrecht');
      await page.getByLabel('Zorgverzekeraar (UZOVI-code)').fill('3311');
      await page.getByRole('radiogroup', { name: 'Online behandeling' }).getByText('Gegeven').click();
      await check('02-register-form');
      await page.getByRole('button', { name: 'Cliënt inschrijven' }).click();
      await page.getByText('it fails the eleven-test').waitFor();
      assert.equal(await bsn.getAttribute('aria-invalid'), 'true');
      const described = (await bsn.getAttribute('aria-describedby')) ?? '';
      const errorText = await page
        .locator(
          described
            .split(' ')
            .map((id) => `[id="${id}"]`)
            .join(','),
        )
        .allTextContents();
      assert.ok(errorText.join(' ').includes('eleven-test'), `BSN field describes its error: ${JSON.stringify(errorText)}`);
      assert.match((await page.getByRole('alert').first().textContent()) ?? '', /Controleer de gemarkeerde velden/);
      await check('03-bsn-error');

      // Fixed: the client page opens with the practice banner, number and status.
      await bsn.fill('249566758');
      await page.getByRole('button', { name: 'Cliënt inschrijven' }).click();
      await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: `Anna ${lastName}` }).waitFor();
      assert.equal(await banner.textContent(), practice.name);
      assert.equal(await page.getByTestId('client-status').textContent(), 'Ingeschreven');
      await page.getByText('geboren 27-03-1980').waitFor();
      const clientUrl = page.url();
      await check('04-client-page');

      // Upload a PDF as a referral letter; it appears in the list.
      await page.getByRole('tab', { name: 'Documenten' }).click();
      await page.getByText('Nog geen documenten.').waitFor();
      await page.locator('input[type="file"]').setInputFiles({ name: 'verwijsbrief.pdf', mimeType: 'application/pdf', buffer: smallPdf() });
      await page.getByRole('button', { name: 'Uploaden' }).click();
      const row = page.getByTestId('documents-table').getByRole('row', { name: /verwijsbrief\.pdf/ });
      await row.waitFor();
      assert.equal(await row.getByRole('combobox', { name: 'Soort document: verwijsbrief.pdf' }).inputValue(), 'Verwijsbrief');
      const download = await row.getByRole('link', { name: 'verwijsbrief.pdf downloaden' }).getAttribute('href');
      const res = await page.request.get(download ?? '');
      assert.equal(res.status(), 200);
      assert.equal((await res.body()).subarray(0, 8).toString('latin1'), '%PDF-1.4');
      await check('05-documents');

      // History names who did what.
      await page.getByRole('tab', { name: 'Geschiedenis' }).click();
      await page.getByRole('cell', { name: 'Document geüpload' }).waitFor();
      await page.getByRole('cell', { name: 'Ingeschreven' }).waitFor();
      await check('06-history');

      // Status moves on: registered → intake.
      await page.getByRole('combobox', { name: 'Status wijzigen naar' }).click();
      await page.getByRole('option', { name: 'Intake' }).click();
      await page.getByTestId('client-status').filter({ hasText: 'Intake' }).waitFor();

      // Find the client in the list by name, by date of birth and by BSN.
      await page.getByRole('navigation').getByRole('link', { name: 'Cliënten' }).click();
      const search = page.getByRole('searchbox', { name: 'Zoeken' });
      for (const q of [lastName, '27-03-1980', '249566758']) {
        await search.fill(q);
        await page.getByRole('row', { name: new RegExp(`Anna ${lastName}`) }).waitFor();
      }
      const found = page.getByRole('row', { name: new RegExp(`Anna ${lastName}`) });
      assert.match((await found.textContent()) ?? '', /27-03-1980/);
      assert.match((await found.textContent()) ?? '', /6758/);
      await search.fill(`nobody-${suffix}`);
      await page.getByText('Geen cliënten gevonden voor deze zoekopdracht.').waitFor();
      await search.fill(lastName);
      await found.waitFor();
      await check('07-search');
      await found.getByRole('link', { name: `Anna ${lastName}` }).click();
      await page.waitForURL(clientUrl);

      // The same name and date of birth again: a duplicate warning with a link, then "register anyway".
      await page.goto(`/p/${practice.id}/clients/new`);
      await page.getByLabel('Voornaam').fill('Anna');
      await page.getByLabel('Achternaam').fill(lastName);
      await page.getByLabel('Geboortedatum').fill('27-03-1980');
      await page.getByRole('button', { name: 'Cliënt inschrijven' }).click();
      const warning = page.getByTestId('duplicate-warning');
      await warning.getByRole('link', { name: new RegExp(`Anna ${lastName}`) }).waitFor();
      await check('08-duplicate');
      await warning.getByRole('button', { name: 'Toch inschrijven' }).click();
      await page.waitForURL((u) => /\/clients\/[0-9a-f-]{36}$/.test(u.pathname) && u.href !== clientUrl);

      // CSV import: the dry run reports a bad row, and the import stays disabled.
      await page.goto(`/p/${practice.id}/clients/import`);
      const csv = `voornaam;achternaam;geboortedatum;bsn\nPiet;Bakker-${suffix};01-02-1975;\nKees;Smit-${suffix};31-02-1990;\n`;
      await page.locator('input[type="file"]').setInputFiles({ name: 'clienten.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Bestand controleren' }).click();
      await page.getByRole('columnheader', { name: 'Reden' }).waitFor();
      assert.match((await page.getByTestId('total-invalid').textContent()) ?? '', /1/);
      assert.ok(await page.getByRole('button', { name: /^Importeren/ }).isDisabled());
      await check('09-import');

      // English texts too: the client page after switching the language.
      await page.goto(clientUrl);
      await page.getByRole('tab', { name: 'Gegevens' }).waitFor();
      await switchLanguage(page, 'EN');
      await page.getByRole('tab', { name: 'Details' }).waitFor();
      await page.getByText('born 27/03/1980').waitFor();
      await check('10-client-page-en');
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });

  test('back office merges two records of one client, maps an import column, relabels a document and edits a note', async () => {
    const { t, browser } = suite;
    const suffix = crypto.randomUUID().slice(0, 6);
    const user = await createUser(t.deps, { name: 'Ruben Smit' });
    const practice = await createTestPractice(t.deps, { name: `Praktijk Wad ${suffix}` });
    const membershipId = await addMember(t.deps, practice.id, user, ['back_office', 'clinician']);
    const lastName = `Visser-${suffix}`;
    const bsn = randomBsn();
    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    const a11y: string[] = [];
    const check = async (name: string) => {
      // Confirmations fade out by themselves; closed here so they do not cover what the shot is for.
      for (const close of await page.locator('.mantine-Notifications-root').getByRole('button', { name: 'Sluiten' }).all()) {
        await close.click({ timeout: 1000 }).catch(() => undefined);
      }
      await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
      await shot(page, `clients-merge-${name}`);
      a11y.push(...(await accessibilityProblems(page)).map((p) => `clients-merge-${name}: ${p}`));
    };
    await withFailureShot(watched, 'clients-merge', async () => {
      await signIn(page, user);
      await page.getByTestId('current-practice-name').waitFor();

      // One client registered twice: the second time without BSN, with an e-mail address and a letter.
      const api = `/api/v1/practices/${practice.id}`;
      const register = async (body: object) => {
        const res = await page.request.post(`${api}/clients`, { data: body });
        assert.equal(res.status(), 201, await res.text());
        return (await res.json()) as { id: string; clientNumber: string };
      };
      const person = { firstName: 'Anna', lastName, dateOfBirth: '1980-03-27' };
      const kept = await register({ ...person, bsn });
      const dup = await register({ ...person, email: `anna-${suffix}@example.org`, confirmNotDuplicate: true });
      const upload = await page.request.post(`${api}/clients/${dup.id}/documents?label=other&fileName=brief.pdf`, {
        data: smallPdf(),
        headers: { 'content-type': 'application/pdf' },
      });
      assert.equal(upload.status(), 201, await upload.text());

      // From the duplicate's page: find the other record, compare both, keep the one with the BSN.
      await page.goto(`/p/${practice.id}/clients/${dup.id}`);
      await page.getByRole('heading', { name: `Anna ${lastName}` }).waitFor();
      await page.getByRole('button', { name: 'Samenvoegen met ander dossier…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Twee dossiers van één cliënt samenvoegen' });
      await dialog.getByText('Typ een naam, BSN, geboortedatum of cliëntnummer.').waitFor();
      await dialog.getByRole('searchbox', { name: 'Zoek het andere dossier' }).fill(lastName);
      const pick = dialog.getByRole('button', { name: `Anna ${lastName} kiezen` });
      await pick.waitFor();
      assert.equal(await pick.count(), 1, 'the record itself is not offered');
      await check('01-search');
      await pick.click();
      const compare = dialog.getByTestId('merge-compare');
      await compare.waitFor();
      const rowText = async (name: string) => (await compare.getByRole('row', { name: new RegExp(`^${name}`) }).textContent()) ?? '';
      assert.equal(await rowText('Cliëntnummer'), `Cliëntnummer${dup.clientNumber}${kept.clientNumber}`);
      assert.equal(await rowText('BSN'), `BSN—•••••${bsn.slice(-4)}`);
      assert.match(await rowText('Geboortedatum'), /27-03-1980.*27-03-1980/);
      await dialog.getByRole('radio', { name: `${kept.clientNumber} bewaren (Anna ${lastName})` }).check();
      await dialog.getByText(`${dup.clientNumber} wordt samengevoegd met ${kept.clientNumber}.`).waitFor();
      await check('02-compare');
      await dialog.getByRole('button', { name: 'Dossiers samenvoegen' }).click();

      // The kept record opens on its history, which names the merged record.
      await page.waitForURL(new RegExp(`/clients/${kept.id}/history$`));
      await page.getByRole('cell', { name: 'Samengevoegd met een dubbel dossier' }).waitFor();
      await page.getByText(`Dossier ${dup.clientNumber} is met dit dossier samengevoegd`).waitFor();
      await page.getByText(`anna-${suffix}@example.org`).first().waitFor();
      await check('03-history');
      await page.goto(`/p/${practice.id}/clients/${dup.id}`);
      await page.getByText('Dit dossier is samengevoegd met een ander dossier.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Samenvoegen met ander dossier…' }).count(), 0);
      await page.getByRole('link', { name: 'Open het dossier dat is bewaard' }).click();
      await page.waitForURL(new RegExp(`/clients/${kept.id}$`));

      // The letter moved along; back office files it under another kind.
      await page.getByRole('tab', { name: 'Documenten' }).click();
      await page.getByRole('combobox', { name: 'Soort document: brief.pdf' }).click();
      await page.getByRole('option', { name: 'Toestemmingsformulier' }).click();
      await page.getByText('brief.pdf is nu ingedeeld als Toestemmingsformulier.').waitFor();
      const docs = (await (await page.request.get(`${api}/clients/${kept.id}/documents`)).json()) as { items: { label: string }[] };
      assert.deepEqual(
        docs.items.map((d) => d.label),
        ['consent'],
      );
      await check('04-relabel');

      // A clinician's own note (once treating the client): written, changed, and marked as changed.
      const assigned = await page.request.post(`${api}/clients/${kept.id}/treatment-relationships`, {
        data: { clinicianId: membershipId },
      });
      assert.equal(assigned.status(), 201, await assigned.text());
      await page.getByRole('tab', { name: 'Mijn behandelnotities' }).click();
      await page.getByText('Nog geen notities.').waitFor();
      await page.getByText('Vrije notitie', { exact: true }).click();
      await page.getByRole('textbox', { name: 'Notitie' }).fill('Eerste indruk: rustig.');
      await page.getByRole('button', { name: 'Notitie opslaan' }).click();
      const note = page.getByTestId('note');
      await note.getByText('Eerste indruk: rustig.').waitFor();
      assert.doesNotMatch((await note.textContent()) ?? '', /gewijzigd/);
      await note.getByRole('button', { name: /^Notitie van .* wijzigen$/ }).click();
      const editor = page.getByRole('textbox', { name: 'Notitie' }).last();
      await editor.fill('Eerste indruk: rustig, open.');
      await page.getByRole('button', { name: 'Opslaan', exact: true }).click();
      await note.getByText('Eerste indruk: rustig, open.').waitFor();
      await note.getByText(/gewijzigd \d{2}-\d{2}-\d{4} \d{2}:\d{2}/).waitFor();
      await check('05-note-edited');

      // The author reviews the note for the client's access request: kept out with a reason, then released.
      const review = note.getByTestId('note-review');
      await review.getByText('nog niet beoordeeld (niet verstrekt)').waitFor();
      await review.getByRole('button', { name: 'Niet verstrekken…' }).click();
      await review.getByRole('textbox', { name: /Waarom de cliënt deze notitie niet krijgt/ }).fill('Gaat over de partner van de cliënt.');
      await review.getByRole('button', { name: 'Notitie niet verstrekken' }).click();
      await review.getByText(/^niet verstrekt \(/).waitFor();
      await review.getByText('Reden die de cliënt leest: Gaat over de partner van de cliënt.').waitFor();
      await check('05b-note-withheld');
      await review.getByRole('button', { name: 'Vrijgeven' }).click();
      await review.getByText(/^vrijgegeven \d{2}-\d{2}-\d{4}/).waitFor();

      // An import whose family-name and birth-date columns the server cannot guess: map them by hand.
      await page.goto(`/p/${practice.id}/clients/import`);
      const csv = `Roepnaam;Familie;Geboren;Mobiel;Opmerking\nPiet;Bakker-${suffix};01-02-1975;0612345678;x\nKees;Smit-${suffix};03-04-1990;;\n`;
      await page.locator('input[type="file"]').setInputFiles({ name: 'lijst.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      const mapping = page.getByTestId('column-mapping');
      await mapping.waitFor();
      const field = (name: string) => mapping.getByRole('combobox', { name: new RegExp(`^${name}`) });
      assert.equal(await field('Voornaam').inputValue(), 'Roepnaam');
      assert.equal(await field('Telefoon').inputValue(), 'Mobiel');
      assert.equal(await field('Achternaam').inputValue(), '');
      await mapping.getByText('Kies de kolom voor dit verplichte veld.').first().waitFor();
      assert.ok(await page.getByRole('button', { name: 'Bestand controleren' }).isDisabled());
      await check('06-mapping-incomplete');
      await field('Achternaam').click();
      await page.getByRole('option', { name: 'Familie' }).click();
      await field('Geboortedatum').click();
      await page.getByRole('option', { name: 'Geboren' }).click();
      await mapping.getByText('Niet geïmporteerd: Opmerking').waitFor();
      await page.getByRole('button', { name: 'Bestand controleren' }).click();
      await page.getByRole('columnheader', { name: 'Reden' }).waitFor();
      assert.match((await page.getByTestId('total-create').textContent()) ?? '', /2/);
      await page.getByText('Familie → Achternaam').waitFor();
      await check('07-import-checked');
      await page.getByRole('button', { name: 'Importeren (2 nieuw)' }).click();
      await page.getByRole('status').filter({ hasText: 'Geïmporteerd: 2 nieuw.' }).first().waitFor();
      await page
        .getByRole('link', { name: /^Aangemaakt als / })
        .first()
        .click();
      await page.getByRole('heading', { name: `Piet Bakker-${suffix}` }).waitFor();
      await page.getByText('geboren 01-02-1975').waitFor();
      await check('08-imported-client');
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(a11y, [], 'accessibility (axe-core, WCAG 2.1 AA)');
    await context.close();
  });
});

async function switchLanguage(page: Page, label: 'EN' | 'NL') {
  await page.getByRole('banner').getByText(label, { exact: true }).click();
}
