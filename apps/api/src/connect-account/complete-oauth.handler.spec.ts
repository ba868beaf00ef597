import { consentInBrowser } from '@ledger/testing/platform-servers/browser-consent';
import type { Actor } from '../http/auth/current-actor.decorator';
import { CompleteOAuthCommand, type CallbackResult } from './complete-oauth.handler';
import { StartOAuthCommand, type StartedConnect } from './start-oauth.handler';
import { handlerApp, refusalOf } from './testing/handler-app';

describe('StartOAuthHandler and CompleteOAuthHandler (real app, local X)', () => {
  const app = handlerApp();
  const actor: Actor = {
    userId: 'user-1',
    role: 'owner',
    ip: '203.0.113.5',
    userAgent: 'jest',
    workspaces: { 'ws-complete': 'owner' },
  };
  const start = (request: StartOAuthCommand['request'] = {}) =>
    app
      .bus()
      .execute<StartOAuthCommand, StartedConnect>(
        new StartOAuthCommand('ws-complete', 'x', request, actor),
      );
  const complete = (query: Record<string, unknown>, browserBinding: string | null) =>
    app
      .bus()
      .execute<CompleteOAuthCommand, CallbackResult>(
        new CompleteOAuthCommand('x', query, { browserBinding }, 'corr-1'),
      );

  it('starts a flow, and its callback in the same browser connects the account, naming who acted', async () => {
    const started = await start();
    const accessToken = `x-access-complete-${Date.now()}`;
    app.ledger().platforms.register('x', accessToken, { id: '7301', name: 'C', username: 'c' });
    const consent = await consentInBrowser(started.authorizationUrl, { accessToken });

    const result = await complete(consent.query, started.browserBinding);

    expect(result).toMatchObject({
      outcome: { connections: [expect.objectContaining({ accountId: '7301', status: 'active' })] },
      subject: { workspaceId: 'ws-complete', userId: 'user-1', role: 'owner' },
    });
    expect(result.returnTo).toBeUndefined();
    // The state is single use: the same callback again is refused, answered rather than thrown.
    expect(await complete(consent.query, started.browserBinding)).toMatchObject({
      code: 'OAUTH_STATE_INVALID',
    });
  });

  it('answers a callback from another browser as a refusal, before any code exchange', async () => {
    const started = await start();
    const accessToken = `x-access-other-${Date.now()}`;
    app.ledger().platforms.register('x', accessToken, { id: '7302', name: 'D', username: 'd' });
    const consent = await consentInBrowser(started.authorizationUrl, { accessToken });

    const result = await complete(consent.query, null);

    expect(result).toMatchObject({ code: 'FORBIDDEN' });
    expect('outcome' in result).toBe(false);
  });

  it('refuses to start reconnecting a connection the workspace does not have', async () => {
    expect(
      await refusalOf(start({ reconnectConnectionId: '00000000-0000-4000-8000-000000000000' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
