import { after, before } from 'node:test';
import { nextCode, type TestUser } from '../../apps/server/src/test/factories.ts';
import { startTestApp, type TestApp } from '../../apps/server/src/test/harness.ts';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
export const SHOTS = '/tmp/calmdesk-shots';

/** Fails with a clear message when the web app was not built (the server only serves a build). */
export function requireWebBuild(): void {
  const index = path.join(root, 'apps/web/dist/index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: run \`npm run build:web\` before \`npm run test:browser\``);
}

/** Debian's Chromium, headless (`apt-get install -y chromium`). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`${executablePath} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed page scripts, e.g. a Content-Security-Policy refusal. */
  problems: string[];
}

/** A fresh browser profile (own cookies) whose console errors are collected. */
export async function openPage(browser: Browser, baseURL: string): Promise<Watched> {
  const context = await browser.newContext({ baseURL, locale: 'en-GB', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // 4xx API answers (signed out, step-up required, a field error) are part of the journeys.
    if (m.type() === 'error' && !/^Failed to load resource: .* status of 4\d\d\b/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('dialog', (d) => {
    problems.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, problems };
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  // From the top: a full-page capture of a scrolled page draws the fixed header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Runs a journey; on failure keeps a screenshot of where it stopped (failure-<name>.png) and prints the URL. */
export async function withFailureShot(watched: Watched, name: string, journey: () => Promise<void>): Promise<void> {
  try {
    await journey();
  } catch (e) {
    await shot(watched.page, `failure-${name}`).catch(() => undefined);
    console.error(`journey "${name}" stopped at ${watched.page.url()}; console errors: ${JSON.stringify(watched.problems)}`);
    throw e;
  }
}

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A/AA rules: contrast, labels, names, landmarks) on the page and
 * returns its violations as readable lines. Evaluated through the DevTools protocol, so the
 * page's CSP (no inline script) stays in force.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // The settled page is checked: a notification or dialog half-way through fading in or out
  // has, for that moment, text of too little contrast.
  await page.evaluate(async () => {
    const running = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 3000))]);
  });
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`));
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** For a test file: starts the real app and Chromium before its tests and stops both after. */
export function browserSuite(): { readonly t: TestApp; readonly browser: Browser } {
  const suite = {} as { t: TestApp; browser: Browser };
  before(async () => {
    requireWebBuild();
    suite.t = await startTestApp();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}

/** Signs an enrolled account in through the login page (password, then the next TOTP code). */
export async function signInPage(page: Page, user: TestUser): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterCode(page, user, 'Continue');
}

/**
 * The step after confirming an enrolment code: reads the recovery codes shown once, ticks
 * "I have saved these codes" and continues. Returns the codes (English texts: the account's
 * own language applies only once the sign-in completes).
 */
export async function saveRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  const next = page.getByRole('button', { name: 'Continue' });
  if (!(await next.isDisabled())) throw new Error('Continue is enabled before the codes were marked saved');
  await page.getByRole('checkbox', { name: 'I have saved these codes' }).check();
  await next.click();
  await list.waitFor({ state: 'detached' });
  return codes;
}

/**
 * Types the user's next TOTP code into the form in `scope` and submits it with the button
 * named `submit`. nextCode may pick the oldest step the server still accepts; when a 30 s
 * boundary passes on a busy machine before the server checks it, the server refuses it and
 * the form clears the field and marks it invalid; then the next step's code is entered once.
 */
export async function enterCode(scope: Page | Locator, user: TestUser, submit: string): Promise<void> {
  const field = scope.getByLabel('6-digit code');
  for (let attempt = 1; ; attempt++) {
    await field.fill(nextCode(user));
    await scope.getByRole('button', { name: submit }).click();
    const outcome = await Promise.race([
      field.waitFor({ state: 'detached' }).then(() => 'accepted' as const),
      scope
        .locator('input[name="code"][aria-invalid="true"]')
        .waitFor()
        .then(() => 'refused' as const),
    ]);
    if (outcome === 'accepted' || attempt === 2) return;
  }
}
