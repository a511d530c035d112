import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createUser } from '../../apps/server/src/test/factories.ts';
import { bookingBody, schedulingWorld } from '../../apps/server/src/modules/scheduling/scheduling.fixture.ts';
import { accessibilityProblems, browserSuite, openPage, shot, signInPage, withFailureShot } from './browser.ts';

const suite = browserSuite();

/** The next weekday (Mon–Fri) from today, as YYYY-MM-DD in Amsterdam. */
function nextWeekday(): string {
  const d = new Date(Date.now() + 86_400_000);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('my agenda across practices', () => {
  test('a back-office worker of two practices sees both agendas in one list, each item labelled', async () => {
    const { t, browser } = suite;
    const a = await schedulingWorld(t);
    const b = await schedulingWorld(t);
    const user = await createUser(t.deps, { name: 'Sanne Beide' });
    await addMember(t.deps, a.practice.id, user, ['back_office']);
    await addMember(t.deps, b.practice.id, user, ['back_office']);
    const day = nextWeekday();
    assert.equal((await a.owner.post(`${a.base}/appointments`, bookingBody(a, { start: `${day}T11:00` }))).status, 201);
    assert.equal((await b.owner.post(`${b.base}/appointments`, bookingBody(b, { start: `${day}T09:30` }))).status, 201);
    const names = async (practiceId: string) =>
      (await t.deps.db.selectFrom('practices').select('name').where('id', '=', practiceId).executeTakeFirstOrThrow()).name;

    const watched = await openPage(browser, t.url);
    const { context, page, problems } = watched;
    await withFailureShot(watched, 'my-agenda', async () => {
      await signInPage(page, user);
      await page.getByTestId('current-practice-name').waitFor();

      await page.getByRole('link', { name: 'Mijn agenda (alle praktijken)' }).click();
      await page.getByRole('heading', { name: 'Mijn agenda' }).waitFor();
      const items = page.getByTestId('my-agenda-item');
      await items.first().waitFor();
      assert.equal(await items.count(), 2);
      // In start order, each with its own practice.
      assert.match((await items.nth(0).textContent()) ?? '', new RegExp(`09:30.*${await names(b.practice.id)}.*Client0 Tester`));
      assert.match((await items.nth(1).textContent()) ?? '', new RegExp(`11:00.*${await names(a.practice.id)}.*Client0 Tester`));
      await shot(page, 'my-agenda-01');
      assert.deepEqual(await accessibilityProblems(page), []);

      // A week further on there is nothing: the empty state says so (the account speaks Dutch).
      await page.getByRole('button', { name: 'Volgende' }).click();
      await page.getByTestId('empty-state').waitFor();
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
