/// <reference lib="dom" />
// (Some functions here run in the browser page, with its globals.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { CONTRACT_CODES, PLATFORM_PROBLEMS } from '../../apps/api/src/http/platform-problem';
import { DOMAIN_ERROR_STATUS } from '../../apps/api/src/http/problem-mapping';
import {
  approveAtSandbox as approve,
  consoleUnderTest,
  DESKTOP,
  horizontalOverflow,
  PHONE,
  platformCard,
  SCREENSHOTS,
  seriousViolations,
  signIn as signInAs,
  watchedContext,
} from './console-browser';

/**
 * The admin console in headless Chromium against the real API: the embedded store, the
 * sandbox standing in for every platform (no credentials), the browser going through the
 * sandbox's consent pages and the OAuth callback. The flows run in order on one workspace.
 */
jest.setTimeout(60_000);

describe('admin console in a browser: every flow of the help page, end to end', () => {
  const c = consoleUnderTest({
    // The local development secret (JWT_SECRET unset), as `npm start` runs.
    JWT_SECRET: '',
    CONNECTION_ATTEMPTS_PER_HOUR: '100',
  });
  const ids: Record<string, string> = {};
  const WS = 'studio';
  const owner = () =>
    c.token({ [WS]: 'owner', agency: 'admin', compliance: 'auditor', content: 'editor' });

  const api = () => request(c.ledger.server);
  const heading = (name: string | RegExp) => c.page.getByRole('heading', { name, level: 1 });
  const dialog = () => c.page.getByRole('dialog');

  const signIn = (bearer = owner(), on: Page = c.page) => signInAs(on, c.origin, bearer);
  const approveAtSandbox = () => approve(c.page, c.origin);
  const card = (label: string) => platformCard(c.page, label);

  async function switchTo(workspace: string): Promise<void> {
    await c.page.getByLabel('Workspace').selectOption(workspace);
  }

  /** No serious accessibility violation, then a screenshot for docs/console. */
  async function checkAndShoot(name: string): Promise<void> {
    expect(await seriousViolations(c.page)).toEqual([]);
    await c.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('signs in with the development token, keeps it out of the URL, and signs out', async () => {
    await c.page.goto(`${c.origin}/console/`);
    await heading('Sign in').waitFor();
    await checkAndShoot('sign-in');
    await c.page.getByRole('button', { name: 'Use the development token' }).click();
    await heading('Integrations').waitFor();
    expect(await c.page.getByLabel('Workspace').inputValue()).toBe('demo');
    expect(await c.page.getByRole('option', { name: 'demo (owner)' }).count()).toBe(1);
    expect(c.page.url()).not.toMatch(/eyJ/);
    expect(await c.page.evaluate(() => sessionStorage.getItem('ledger.console.token'))).toMatch(
      /^eyJ/,
    );
    expect(await c.page.evaluate(() => localStorage.length)).toBe(0);
    await c.page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    expect(await c.page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('refuses a pasted text that is not a token, saying why', async () => {
    await c.page.goto(`${c.origin}/console/`);
    await c.page.getByLabel('Bearer token (JWT)').fill('not-a-token');
    await c.page.getByRole('button', { name: 'Sign in' }).click();
    expect(await c.page.getByRole('alert').textContent()).toMatch(/not a JWT/);
  });

  it('lists the token’s workspaces with the role in each', async () => {
    await signIn();
    const options = await c.page.getByLabel('Workspace').locator('option').allTextContents();
    expect(options).toEqual([
      'studio (owner)',
      'agency (admin)',
      'compliance (auditor)',
      'content (editor)',
    ]);
    expect(await card('X').textContent()).toContain('0 of 1 connected');
    expect(await c.page.getByRole('article').count()).toBe(6);
  });

  it('connects X through the sandbox: its card shows the account, the star and a green status', async () => {
    await signIn();
    await card('X').getByRole('button', { name: 'Add X account' }).click();
    await approveAtSandbox();
    expect(await c.page.getByRole('status').textContent()).toBe('Connected 1 account(s).');
    const x = card('X');
    await x.getByRole('link', { name: 'SandboxStudio' }).waitFor();
    expect(await x.textContent()).toContain('1 of 1 connected');
    expect(await x.getByRole('img', { name: 'Main account' }).count()).toBe(1);
    expect(await x.locator('.status-active').textContent()).toBe('●Active');
    ids.x = (await x.getByRole('link', { name: 'SandboxStudio' }).getAttribute('href'))!.split(
      '/',
    )[2];
  });

  it('at the plan limit: the upgrade modal names plan, limit and next plan; the owner upgrades', async () => {
    await signIn();
    await card('X').getByRole('button', { name: 'Add X account' }).click();
    await dialog().waitFor();
    const text = await dialog().textContent();
    expect(text).toContain('Plan limit reached');
    expect(text).toContain('The free plan allows 1 account on X.');
    expect(await dialog().getByTestId('next-plan').textContent()).toBe('starter');
    await checkAndShoot('upgrade-modal');
    await dialog().getByRole('button', { name: 'Change plan' }).click();
    await c.page.getByTestId('plan').filter({ hasText: 'starter' }).waitFor();
    expect(await card('X').textContent()).toContain('1 of 3 connected');
  });

  it('Facebook Pages: the picker greys the Page you cannot connect, with why; connects the chosen', async () => {
    await signIn();
    await card('Facebook Pages')
      .getByRole('button', { name: 'Add Facebook Pages account' })
      .click();
    await approveAtSandbox();
    await dialog().getByText('Sandbox Bakery').waitFor();
    const fanClub = dialog().getByRole('checkbox', { name: /Sandbox Fan Club/ });
    expect(await fanClub.isDisabled()).toBe(true);
    expect(await dialog().locator('.choice.unavailable').textContent()).toMatch(/Editor/);
    await checkAndShoot('account-picker');
    await dialog()
      .getByRole('checkbox', { name: /Sandbox Bakery/ })
      .check();
    await dialog()
      .getByRole('checkbox', { name: /Sandbox Bookshop/ })
      .check();
    await dialog().getByRole('button', { name: 'Connect selected' }).click();
    await c.page.getByRole('status').filter({ hasText: 'Connected 2 account(s).' }).waitFor();
    const facebook = card('Facebook Pages');
    await facebook.getByRole('link', { name: 'Sandbox Bookshop' }).waitFor();
    expect(await facebook.textContent()).toContain('2 of 3 connected');
    for (const name of ['Sandbox Bakery', 'Sandbox Bookshop']) {
      const href = await facebook.getByRole('link', { name }).getAttribute('href');
      ids[name] = href!.split('/')[2];
    }
    await checkAndShoot('integrations');
  });

  it('LinkedIn: the picker offers the profile and the company page; connects the page', async () => {
    await signIn();
    await card('LinkedIn').getByRole('button', { name: 'Add LinkedIn account' }).click();
    await approveAtSandbox();
    await dialog()
      .getByRole('checkbox', { name: /Sandbox Corp/ })
      .check();
    await dialog().getByRole('button', { name: 'Connect selected' }).click();
    await card('LinkedIn').getByRole('link', { name: 'Sandbox Corp' }).waitFor();
  });

  it('connection details: the fields, its history, Set as Main, Refresh', async () => {
    await signIn();
    await card('Facebook Pages').getByRole('link', { name: 'Sandbox Bookshop' }).click();
    await heading('Sandbox Bookshop').waitFor();
    const fields = await c.page.locator('dl.fields').first().textContent();
    for (const label of [
      'Account Name',
      'Account ID',
      'Connected Date',
      'Status',
      'Main',
      'Token expiry',
      'Copied from',
    ]) {
      expect(fields).toContain(label);
    }
    expect(await c.page.locator('ol.timeline li').first().textContent()).toMatch(
      /ConnectionConnected by user-owner \(owner\)/,
    );
    const mainField = () => c.page.locator('dl.fields').first().locator('dd').nth(5);
    expect(await mainField().textContent()).toBe('No');
    await c.page.getByRole('button', { name: 'Set as Main' }).click();
    await c.page.getByRole('status').filter({ hasText: 'Set as main account.' }).waitFor();
    await c.page.getByText('★ Main account').waitFor();
    expect(await c.page.getByRole('button', { name: 'Set as Main' }).isDisabled()).toBe(true);
    await c.page.locator('ol.timeline li', { hasText: 'MainAccountSet' }).waitFor();

    // A Page token cannot be refreshed: the refusal says so and links what to do.
    await c.page.getByRole('button', { name: 'Refresh' }).click();
    const refusal = c.page.getByRole('alert');
    expect(await refusal.textContent()).toMatch(/REFRESH_NOT_AVAILABLE: what to do/);
    await refusal.getByRole('link').click();
    await c.page.locator('#code-REFRESH_NOT_AVAILABLE.current').waitFor();
    // The linked code takes the focus (waited for: the page may still be settling).
    await c.page
      .waitForFunction(() => document.activeElement?.id === 'code-REFRESH_NOT_AVAILABLE', null, {
        timeout: 5000,
      })
      .catch(() => undefined);
    expect(await c.page.evaluate(() => document.activeElement?.id)).toBe(
      'code-REFRESH_NOT_AVAILABLE',
    );
    await c.page.goBack();
    await heading('Sandbox Bookshop').waitFor();
    await checkAndShoot('connection');
  });

  it('reconnects through the sandbox, and shows the connection as of an instant', async () => {
    await signIn();
    await c.page.goto(`${c.origin}/console/#/connections/${ids.x}`);
    await heading('SandboxStudio').waitFor();
    await c.page.getByRole('button', { name: 'Reconnect' }).click();
    await approveAtSandbox();
    await c.page.getByRole('status').filter({ hasText: 'Connected 1 account(s).' }).waitFor();
    await c.page.goto(`${c.origin}/console/#/connections/${ids.x}`);
    await c.page.locator('ol.timeline li', { hasText: 'ConnectionReconnected' }).waitFor();
    await c.page.getByRole('button', { name: 'Refresh' }).click();
    expect(await c.page.getByRole('status').filter({ hasText: 'Refresh:' }).textContent()).toMatch(
      /^Refresh: (refreshed|not-due|backing-off)\.$/,
    );

    const asOf = c.page.getByRole('region', { name: 'Show as of' });
    await asOf.getByLabel('Instant (UTC)').fill('2020-01-01T00:00:00');
    await asOf.getByRole('button', { name: 'Show' }).click();
    await asOf.getByText('Not connected at that instant.').waitFor();
    const now = new Date(Date.now() + 1000).toISOString().slice(0, 19);
    await asOf.getByLabel('Instant (UTC)').fill(now);
    await asOf.getByRole('button', { name: 'Show' }).click();
    await asOf.locator('dl.fields').getByText('SandboxStudio').waitFor();
  });

  it('copies a connection into another workspace the token manages', async () => {
    await signIn();
    await c.page.goto(`${c.origin}/console/#/connections/${ids.x}`);
    await c.page.getByRole('button', { name: 'Copy to Workspace' }).click();
    // Only workspaces where the token is owner or admin are targets.
    const targets = await dialog()
      .getByLabel('Target workspace')
      .locator('option')
      .allTextContents();
    expect(targets).toEqual(['agency (admin)']);
    await dialog().getByRole('button', { name: 'Copy' }).click();
    await approveAtSandbox();
    expect(await c.page.getByLabel('Workspace').inputValue()).toBe('agency');
    await card('X').getByRole('link', { name: 'SandboxStudio' }).click();
    await heading('SandboxStudio').waitFor();
    await c.page.getByText(`studio / ${ids.x}`).waitFor();
  });

  it('disconnect says how many scheduled posts will fail and which campaigns, then reports', async () => {
    const bakery = ids['Sandbox Bakery'];
    const campaign = await api()
      .post(`/v1/workspaces/${WS}/campaigns`)
      .set('Authorization', `Bearer ${owner()}`)
      .send({ name: 'Winter launch', targets: [{ platform: 'facebook', connectionId: bakery }] })
      .expect(201);
    for (const content of ['First', 'Second']) {
      await api()
        .post(`/v1/workspaces/${WS}/posts`)
        .set('Authorization', `Bearer ${owner()}`)
        .send({
          platform: 'facebook',
          connectionId: bakery,
          content,
          publishAt: new Date(Date.now() + 86_400_000).toISOString(),
          campaignId: campaign.body.id,
        })
        .expect(201);
    }
    await signIn();
    await c.page.goto(`${c.origin}/console/#/connections/${bakery}`);
    await c.page.getByRole('button', { name: 'Disconnect' }).click();
    const impact = dialog().getByTestId('disconnect-impact');
    await impact.getByText(/will fail/).waitFor();
    expect(await impact.textContent()).toMatch(/2 scheduled posts will fail\./);
    expect(await impact.getByRole('listitem').allTextContents()).toEqual(['Winter launch']);
    await checkAndShoot('disconnect-confirmation');
    await dialog().getByRole('button', { name: 'Disconnect' }).click();
    await heading('Disconnected Sandbox Bakery').waitFor();
    expect(await c.page.getByRole('status').textContent()).toMatch(
      /2 scheduled post\(s\) failed, 1 campaign\(s\) flagged; its tokens were destroyed\./,
    );
  });

  it('hides nothing silently: each role sees what it may not do disabled, with the reason', async () => {
    await signIn();
    await switchTo('compliance');
    const add = c.page.getByRole('button', { name: 'Add X account' });
    expect(await add.isDisabled()).toBe(true);
    expect(await card('X').locator('.why').textContent()).toBe(
      'Your role here is auditor: this needs owner or admin.',
    );
    await c.page.getByRole('link', { name: 'Audit' }).click();
    await heading('Audit').waitFor();
    expect(await c.page.getByRole('button', { name: 'Start breach response…' }).isDisabled()).toBe(
      true,
    );

    await switchTo('content');
    await c.page
      .getByText('Your role here is editor: this needs owner or admin or auditor.')
      .waitFor();

    await switchTo('agency');
    await c.page.getByRole('link', { name: 'Integrations' }).click();
    await card('X').getByRole('button', { name: 'Add X account' }).click();
    await dialog().waitFor();
    expect(await dialog().getByRole('button', { name: 'Change plan' }).isDisabled()).toBe(true);
    expect(await dialog().locator('.why').textContent()).toBe(
      'Your role here is admin: this needs owner.',
    );
  });

  it('troubleshooting shows every error code of the contract, with what to do', async () => {
    await signIn();
    await c.page.getByRole('link', { name: 'Troubleshooting' }).click();
    await heading('Troubleshooting').waitFor();
    const text = (await c.page.locator('dl.codes').textContent())!;
    const architecture = readFileSync(join(__dirname, '../../../shared/ARCHITECTURE.md'), 'utf8');
    const contractCodes = [...architecture.matchAll(/\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)? \|/g)]
      .flatMap((match) => [match[1], match[2]])
      .filter(Boolean);
    expect(contractCodes).toContain('CONNECTION_EXPIRED');
    // Every code the API maps, as the consumer sees it (TOKEN_INVALID answers CONNECTION_EXPIRED).
    const platformCodes = (
      Object.keys(PLATFORM_PROBLEMS) as (keyof typeof PLATFORM_PROBLEMS)[]
    ).map((code) => CONTRACT_CODES[code] ?? code);
    const mapped = [...Object.keys(DOMAIN_ERROR_STATUS), ...platformCodes];
    for (const code of [...contractCodes, ...mapped]) {
      expect(text).toContain(code);
    }
    const help = (code: string) => c.page.locator(`#code-${code}`).textContent();
    expect(await help('CONNECTION_EXPIRED')).toMatch(/Connection Expired.*Reconnect/);
    expect(await help('INSUFFICIENT_PERMISSIONS')).toMatch(/^Insufficient Permissions/);
    expect(await help('ACCOUNT_NOT_FOUND')).toMatch(/^Account Not Found/);
    expect(await help('RATE_LIMIT_EXCEEDED')).toMatch(/Rate Limit Exceeded.*Wait the time shown/);
    expect(await help('ALREADY_CONNECTED_ELSEWHERE')).toMatch(
      /Already Connected Elsewhere.*Copy to Workspace/,
    );
    await checkAndShoot('troubleshooting');
  });

  it('audit: verify badge, expiring soon, filters, pages, CSV and JSON Lines exports', async () => {
    await signIn();
    await c.page.getByRole('link', { name: 'Audit' }).click();
    expect(await c.page.getByTestId('verify-badge').textContent()).toMatch(
      /^✔ Intact: \d+ events chained, \d+ signed checkpoint\(s\) checked/,
    );
    // Sandbox X tokens live two hours.
    await c.page.getByTestId('expiring').getByText('SandboxStudio').waitFor();

    const rows = c.page.locator('tbody tr');
    await rows.first().waitFor();
    const firstPage = await rows.allTextContents();
    expect(firstPage.length).toBe(10);
    await c.page.getByRole('button', { name: 'Next page' }).click();
    await c.page.waitForFunction(
      (first) => document.querySelector('tbody tr')?.textContent !== first,
      firstPage[0],
    );
    await c.page.getByRole('button', { name: 'Previous page' }).click();
    await c.page.waitForFunction(
      (first) => document.querySelector('tbody tr')?.textContent === first,
      firstPage[0],
    );

    await c.page.getByLabel('Event type').fill('MainAccountSet');
    await c.page.getByRole('button', { name: 'Filter' }).click();
    await c.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('tbody tr td:nth-child(2)')).every(
        (cell) => cell.textContent === 'MainAccountSet',
      ),
    );
    expect(await rows.count()).toBeGreaterThan(0);

    const csv = await download('Export CSV');
    expect(csv.split('\n')[0]).toMatch(/type/);
    expect(csv).toContain('MainAccountSet');
    const jsonl = await download('Export JSON Lines');
    const lines = jsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.type === 'MainAccountSet')).toBe(true);
    await checkAndShoot('audit');
  });

  async function download(button: string): Promise<string> {
    const [file] = await Promise.all([
      c.page.waitForEvent('download'),
      c.page.getByRole('button', { name: button }).click(),
    ]);
    return readFileSync((await file.path())!, 'utf8');
  }

  it('is keyboard-usable: sign in, move between pages, open and close a dialog, no mouse', async () => {
    await c.page.goto(`${c.origin}/console/`);
    const focused = () =>
      c.page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return element ? `${element.tagName}:${element.textContent?.trim() ?? ''}` : '';
      });
    const tabTo = async (wanted: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await c.page.keyboard.press('Tab');
        if (wanted.test(await focused())) return;
      }
      throw new Error(`never reached ${wanted} with Tab`);
    };
    await tabTo(/^TEXTAREA/);
    await c.page.keyboard.insertText(owner());
    await tabTo(/^BUTTON:Sign in$/);
    await c.page.keyboard.press('Enter');
    await heading('Integrations').waitFor();
    await tabTo(/^A:Troubleshooting$/);
    await c.page.keyboard.press('Enter');
    await heading('Troubleshooting').waitFor();
    await tabTo(/^A:Integrations$/);
    await c.page.keyboard.press('Enter');
    await heading('Integrations').waitFor();
    await tabTo(/^A:SandboxStudio$/);
    await c.page.keyboard.press('Enter');
    await heading('SandboxStudio').waitFor();
    await tabTo(/^BUTTON:Disconnect$/);
    await c.page.keyboard.press('Enter');
    await dialog()
      .getByTestId('disconnect-impact')
      .getByText(/will fail/)
      .waitFor();
    // The dialog holds the focus, also once its content has loaded.
    expect(await c.page.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).toBe(
      true,
    );
    await c.page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it('works at a phone’s width: no sideways scrolling, no serious accessibility violation', async () => {
    const phone = await watchedContext(c.browser, c.origin, PHONE);
    try {
      await signIn(owner(), phone.page);
      for (const path of ['integrations', `connections/${ids.x}`, 'audit', 'troubleshooting']) {
        await phone.page.goto(`${c.origin}/console/#/${path}`);
        await phone.page.getByRole('heading', { level: 1 }).waitFor();
        await phone.page.waitForLoadState('networkidle');
        expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
        expect(await seriousViolations(phone.page)).toEqual([]);
      }
      await phone.page.goto(`${c.origin}/console/#/integrations`);
      await phone.page.getByRole('link', { name: 'SandboxStudio' }).waitFor();
      await phone.page.screenshot({ path: join(SCREENSHOTS, 'integrations-phone.png') });
    } finally {
      await phone.context.close();
    }
    expect(phone.watch.foreignRequests).toEqual([]);
    expect(phone.watch.problems).toEqual([]);
    expect(DESKTOP.width).toBe(1280);
  });

  it('breach response: behind typing the workspace id and a reason, then the report', async () => {
    await signIn();
    await c.page.getByRole('link', { name: 'Audit' }).click();
    await c.page.getByRole('button', { name: 'Start breach response…' }).click();
    const confirm = dialog().getByRole('button', { name: 'Disconnect everything' });
    await dialog().getByLabel('Workspace id').fill('studi');
    await dialog().getByLabel('Reason').fill('Laptop stolen');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog().getByLabel('Workspace id').fill(WS);
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    const report = c.page.getByTestId('breach-report');
    await report.waitFor();
    expect(await report.getByRole('heading').first().textContent()).toBe(
      'Breach report for studio',
    );
    const text = await report.textContent();
    expect(text).toContain('Reason: Laptop stolen.');
    // The count says what it is: vault records, as the summary words it.
    const records = /(\d+) token record\(s\) destroyed/.exec(text ?? '')?.[1];
    expect(records).toMatch(/^\d+$/);
    expect(text).toContain(`Token records destroyed: ${records};`);
    for (const name of ['SandboxStudio', 'Sandbox Bookshop', 'Sandbox Corp']) {
      expect(text).toContain(name);
    }
    await checkAndShoot('breach-report');
    await c.page.getByRole('link', { name: 'Integrations' }).click();
    expect(await card('X').textContent()).toContain('0 of 3 connected');
  });
});
