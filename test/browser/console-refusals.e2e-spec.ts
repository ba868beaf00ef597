import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signTestToken } from '../support/jwt';
import { approveAtSandbox, consoleUnderTest, platformCard, signIn } from './console-browser';

jest.setTimeout(60_000);

/**
 * Refusals the console must turn into something a user can act on: the plan limit found only
 * when choosing (two flows raced), the hourly attempt limit with the time to wait, a token
 * the API refuses, a copy sent back anywhere but the console.
 */
describe('admin console in a browser: refusals, in words and with what to do', () => {
  // Two connection attempts an hour: the tests below use them up in order.
  const c = consoleUnderTest({ CONNECTION_ATTEMPTS_PER_HOUR: '2' });
  const WS = 'limits';
  const owner = () => c.token({ [WS]: 'owner' });

  it('a plan limit met only when choosing (two flows raced) opens the same upgrade dialog', async () => {
    await signIn(c.page, c.origin, owner());
    const facebook = () =>
      platformCard(c.page, 'Facebook Pages').getByRole('button', {
        name: 'Add Facebook Pages account',
      });
    const choose = async (name: string) => {
      const dialog = c.page.getByRole('dialog');
      await dialog.getByRole('checkbox', { name: new RegExp(name) }).check();
      await dialog.getByRole('button', { name: 'Connect selected' }).click();
    };
    // A first flow, left at the consent page...
    await facebook().click();
    await c.page.waitForURL(/\/sandbox\/facebook\/authorize\?/);
    const firstConsent = c.page.url();
    await c.page.goBack();
    // ...while a second one connects the free plan's one Page.
    await facebook().click();
    await approveAtSandbox(c.page, c.origin);
    await choose('Sandbox Bakery');
    await c.page.getByRole('status').filter({ hasText: 'Connected 1 account(s).' }).waitFor();
    await c.page.goto(firstConsent);
    await c.page.getByRole('link', { name: 'Approve' }).click();
    await c.page.waitForURL(`${c.origin}/console/#/integrations`);
    await choose('Sandbox Bookshop');
    // The 402 answer names the plan, the limit and the platform.
    const dialog = c.page.getByRole('dialog', { name: 'Plan limit reached' });
    await dialog.getByTestId('next-plan').waitFor();
    expect(await dialog.textContent()).toContain(
      'The free plan allows 1 account on Facebook Pages.',
    );
    expect(await dialog.getByTestId('next-plan').textContent()).toBe('starter');
  });

  it('the hourly attempt limit says how long to wait', async () => {
    // The test before used this hour's two attempts (CONNECTION_ATTEMPTS_PER_HOUR=2).
    await signIn(c.page, c.origin, owner());
    await platformCard(c.page, 'Threads')
      .getByRole('button', { name: 'Add Threads account' })
      .click();
    const alert = c.page.getByRole('alert');
    expect(await alert.textContent()).toMatch(
      /Too many connection attempts.*Try again in \d+ seconds\. RATE_LIMIT_EXCEEDED: what to do/,
    );
    // Refused before leaving: still on the console.
    expect(new URL(c.page.url()).pathname).toBe('/console/');
    // The audit trail keeps the refused attempt, linked to what to do about it.
    await c.page.getByRole('link', { name: 'Audit' }).click();
    const refused = c.page.locator('tr.refused', { hasText: 'Refused: RATE_LIMIT_EXCEEDED' });
    await refused.getByRole('link', { name: 'RATE_LIMIT_EXCEEDED' }).click();
    await c.page.locator('#code-RATE_LIMIT_EXCEEDED.current').waitFor();
  });

  it('a token the API refuses (wrong signature) is shown as UNAUTHENTICATED, not a blank page', async () => {
    const forged = signTestToken({ sub: 'mallory', workspaces: { [WS]: 'owner' } }, 'x'.repeat(40));
    await signIn(c.page, c.origin, forged);
    expect(await c.page.getByRole('alert').textContent()).toMatch(/UNAUTHENTICATED: what to do/);
  });

  it('refuses to copy with a returnTo that is not the console or an allowed URL', async () => {
    const answer = await request(c.ledger.server)
      .post(`/v1/workspaces/${WS}/connections/${randomUUID()}/copy`)
      .set('Authorization', `Bearer ${owner()}`)
      .send({ targetWorkspaceId: WS + '-2', returnTo: 'https://evil.example.com/console/' })
      .expect(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.errors[0].field).toBe('returnTo');
  });
});
