/// <reference lib="dom" />
// (Some functions here run in the browser page, with its globals.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { signTestToken } from '../support/jwt';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

/**
 * Headless Chromium from Debian's `chromium` package (`.ci/run` installs it; playwright's own
 * browser download is not available here), driven by playwright-core.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** What a browser context saw that it must not: requests elsewhere, CSP refusals, page errors. */
export interface Watch {
  foreignRequests: string[];
  problems: string[];
}

/** A fresh context (own sessionStorage) that records anything leaving `origin`. */
export async function watchedContext(
  browser: Browser,
  origin: string,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  // Well under jest's timeout, so a missing element fails with what was awaited.
  context.setDefaultTimeout(10_000);
  const watch: Watch = { foreignRequests: [], problems: [] };
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)) {
      watch.foreignRequests.push(url);
    }
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A CSP refusal is reported on the console; so is any uncaught failure.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) {
      watch.problems.push(`console: ${message.text()}`);
    }
  });
  return { context, page, watch };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'console');

/** Pages wider than the viewport make a phone scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Signs in by pasting `bearer`, and waits for the Integrations page. */
export async function signIn(page: Page, origin: string, bearer: string): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('Bearer token (JWT)').fill(bearer);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
}

/** At the sandbox's consent page (clearly not the platform): Approve, back to the console. */
export async function approveAtSandbox(page: Page, origin: string): Promise<void> {
  await page.waitForURL(/\/sandbox\/[a-z]+\/authorize\?/);
  if (!(await page.title()).startsWith('SANDBOX — not ')) {
    throw new Error(`not the sandbox's consent page: ${await page.title()}`);
  }
  await page.getByRole('link', { name: 'Approve' }).click();
  await page.waitForURL(`${origin}/console/#/integrations`);
}

/** The Integrations card of one platform, by its label. */
export const platformCard = (page: Page, label: string) =>
  page.getByRole('article', { name: label, exact: true });

/** The API and a browser for one spec file; a fresh context for each test. */
export interface ConsoleUnderTest {
  ledger: LedgerTestApp;
  browser: Browser;
  origin: string;
  context: BrowserContext;
  page: Page;
  watch: Watch;
  /** A bearer token for `sub` with these workspace roles, signed with the API's secret. */
  token(workspaces: Record<string, string>, sub?: string): string;
}

/**
 * Registers the spec's hooks: the real API (embedded store, the sandbox for every platform,
 * listening at its PUBLIC_BASE_URL) and Chromium for the file, a watched context per test, and
 * after each test: nothing left the API's origin, nothing was refused by the CSP, no script
 * failed.
 */
export function consoleUnderTest(env: Record<string, string>): ConsoleUnderTest {
  const under = {
    token: (workspaces: Record<string, string>, sub = 'user-owner') =>
      signTestToken({ sub, workspaces }, under.ledger.config.jwtSecret),
  } as ConsoleUnderTest;
  beforeAll(async () => {
    [under.ledger, under.browser] = await Promise.all([
      startLedgerApp({ platformFakesEnv: false, reachablePublicBaseUrl: true, env }),
      launchChromium(),
    ]);
    under.origin = under.ledger.config.publicBaseUrl;
  }, 60_000);
  afterAll(async () => {
    await under.browser?.close();
    await under.ledger?.close();
  });
  beforeEach(async () => {
    Object.assign(under, await watchedContext(under.browser, under.origin));
  });
  afterEach(async () => {
    await under.context.close();
    expect(under.watch.foreignRequests).toEqual([]);
    expect(under.watch.problems).toEqual([]);
  });
  return under;
}
