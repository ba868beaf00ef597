import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  startThreadsGraphServer,
  type ThreadsGraphServer,
  type ThreadsProfile,
} from '@ledger/testing/platform-servers/threads-graph-server';
import { PlatformApiError } from '../errors';
import { newOAuthState } from '../oauth/pending-authorization';
import type { OAuthTokens } from '../platform-definition';
import { ThreadsIdentityClient } from './threads-identity-client';

const CLIENT_SECRET = `threads-secret-${newOAuthState()}`;
const NOW = new Date('2026-09-01T10:00:00.000Z');

const acme: ThreadsProfile = {
  id: '25719012345678901',
  username: 'acme.studio',
  name: 'Acme Studio',
  threads_profile_picture_url: 'https://scontent.cdninstagram.com/acme.jpg',
  threads_biography: 'We make things.',
  is_verified: false,
};

let graph: ThreadsGraphServer;
let client: ThreadsIdentityClient;
const secrets: string[] = [CLIENT_SECRET];

function token(prefix = 'THQV'): string {
  const value = `${prefix}${newOAuthState()}`;
  secrets.push(value);
  return value;
}

function shortLived(accessToken: string): OAuthTokens {
  return {
    accessToken,
    refreshToken: null,
    expiresIn: null,
    expiresAt: null,
    refreshExpiresAt: null,
    scope: [],
    tokenType: null,
  };
}

beforeAll(async () => {
  graph = await startThreadsGraphServer({ clientSecret: CLIENT_SECRET });
  client = new ThreadsIdentityClient({ apiUrl: graph.apiUrl, clientSecret: CLIENT_SECRET });
});
afterAll(() => graph.stop());

/** The rejection, checked to carry no token or secret anywhere (they end up in logs). */
async function failure(promise: Promise<unknown>): Promise<PlatformApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformApiError);
  const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
  for (const secret of [...secrets, ...graph.issuedLongLivedTokens]) {
    expect(text).not.toContain(secret);
  }
  return error as PlatformApiError;
}

describe('ThreadsIdentityClient.exchangeToken', () => {
  it('exchanges the short-lived token for a long-lived one with th_exchange_token and its expires_in', async () => {
    const short = token();
    graph.registerToken(short, acme);
    const tokens = await client.exchangeToken(shortLived(short), NOW);

    expect(tokens.accessToken).toBe(graph.issuedLongLivedTokens.at(-1));
    expect(tokens).toMatchObject({
      refreshToken: null,
      expiresIn: 5183944,
      expiresAt: new Date(NOW.getTime() + 5183944 * 1000),
      tokenType: 'bearer',
    });
    expect(graph.exchangeRequests.at(-1)).toEqual({
      grantType: 'th_exchange_token',
      clientSecretValid: true,
      tokenKind: 'short-lived',
      queryKeys: ['access_token', 'client_secret', 'grant_type'],
    });
  });

  it('uses the lifetime Threads returns, whatever it is', async () => {
    const other = await startThreadsGraphServer({
      clientSecret: CLIENT_SECRET,
      longLivedExpiresIn: 3600 * 24 * 59,
    });
    try {
      const short = token();
      other.registerToken(short, acme);
      const c = new ThreadsIdentityClient({ apiUrl: other.apiUrl, clientSecret: CLIENT_SECRET });
      const tokens = await c.exchangeToken(shortLived(short), NOW);
      expect(tokens.expiresAt).toEqual(new Date(NOW.getTime() + 3600 * 24 * 59 * 1000));
      secrets.push(tokens.accessToken);
    } finally {
      await other.stop();
    }
  });

  it('reports an expired or unknown short-lived token as TOKEN_INVALID', async () => {
    const expired = token();
    graph.registerToken(expired, acme);
    graph.expireToken(expired);
    expect(await failure(client.exchangeToken(shortLived(expired), NOW))).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 400,
      transient: false,
      graph: { code: 190, subcode: 463 },
    });
    expect(await failure(client.exchangeToken(shortLived(token()), NOW))).toMatchObject({
      code: 'TOKEN_INVALID',
      graph: { code: 190 },
    });
  });

  it('is refused with a wrong app secret, and the secret stays out of the error', async () => {
    const short = token();
    graph.registerToken(short, acme);
    const wrongSecret = `wrong-${newOAuthState()}`;
    secrets.push(wrongSecret);
    const wrong = new ThreadsIdentityClient({ apiUrl: graph.apiUrl, clientSecret: wrongSecret });
    const error = await failure(wrong.exchangeToken(shortLived(short), NOW));
    expect(error.status).toBe(400);
    expect(graph.exchangeRequests.at(-1)).toMatchObject({ clientSecretValid: false });
  });

  it('treats a 200 without a token as a platform failure', async () => {
    const short = token();
    graph.scriptResponse(short, { status: 200, body: { token_type: 'bearer' } });
    expect(await failure(client.exchangeToken(shortLived(short), NOW))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      transient: true,
    });
  });
});

describe('ThreadsIdentityClient.fetchIdentities', () => {
  it('names the one Threads profile, linked to the Instagram account of the same username', async () => {
    const longLived = token('THAA');
    graph.registerToken(longLived, acme, 'long-lived');
    expect(await client.fetchIdentities(longLived)).toEqual([
      {
        accountId: '25719012345678901',
        accountName: 'acme.studio',
        accountType: 'profile',
        displayName: 'Acme Studio',
        pictureUrl: 'https://scontent.cdninstagram.com/acme.jpg',
        linkedAccount: { platform: 'instagram', accountId: null, accountName: 'acme.studio' },
      },
    ]);
    expect(graph.meRequests.at(-1)).toEqual({
      fields: 'id,username,name,threads_profile_picture_url',
      via: 'header',
      tokenKind: 'long-lived',
    });
  });

  it('leaves out what the profile does not have', async () => {
    const longLived = token('THAA');
    graph.registerToken(longLived, { id: '1', username: 'bare' }, 'long-lived');
    expect(await client.fetchIdentities(longLived)).toEqual([
      {
        accountId: '1',
        accountName: 'bare',
        accountType: 'profile',
        linkedAccount: { platform: 'instagram', accountId: null, accountName: 'bare' },
      },
    ]);
  });

  it('reports an unknown, expired or revoked token as TOKEN_INVALID (Graph 190, HTTP 400)', async () => {
    expect(await failure(client.fetchIdentities(token()))).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 400,
      transient: false,
      graph: { code: 190, type: 'OAuthException', fbtraceId: expect.any(String) },
    });
  });

  it.each([
    [10, 403, 'Application does not have permission for this action'],
    [200, 403, 'Permissions error'],
    [299, 400, 'Requires threads_basic permission'],
  ])('reports permission error %i as INSUFFICIENT_PERMISSIONS', async (code, status, message) => {
    const t = token();
    graph.scriptResponse(t, {
      status,
      body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC123' } },
    });
    expect(await failure(client.fetchIdentities(t))).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
      transient: false,
      graph: { code, fbtraceId: 'AbC123' },
    });
  });

  it.each([4, 17, 32, 613])(
    'reports rate limit error %i as transient PLATFORM_RATE_LIMITED',
    async (code) => {
      const t = token();
      graph.scriptResponse(t, {
        status: 400,
        headers: { 'Retry-After': '120' },
        body: {
          error: {
            message: 'Application request limit reached',
            type: 'OAuthException',
            code,
            is_transient: true,
          },
        },
      });
      const before = Date.now();
      const error = await failure(client.fetchIdentities(t));
      expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
      expect(error.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    },
  );

  it.each([500, 502, 503])('treats HTTP %i as transient PLATFORM_UNAVAILABLE', async (status) => {
    const t = token();
    graph.scriptResponse(t, {
      status,
      body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } },
    });
    expect(await failure(client.fetchIdentities(t))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status,
      transient: true,
    });
  });

  it('treats a non-JSON gateway error as transient', async () => {
    const t = token();
    graph.scriptResponse(t, {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html>Bad Gateway</html>',
    });
    expect(await failure(client.fetchIdentities(t))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      transient: true,
    });
  });

  it.each([
    [100, 33, 'GraphMethodException'],
    [803, undefined, 'OAuthException'],
  ])('reports a missing object (%i/%s) as ACCOUNT_NOT_FOUND', async (code, subcode, type) => {
    const t = token();
    graph.scriptResponse(t, {
      status: 400,
      body: {
        error: {
          message: 'Object does not exist, cannot be loaded due to missing permissions',
          type,
          code,
          ...(subcode ? { error_subcode: subcode } : {}),
        },
      },
    });
    expect(await failure(client.fetchIdentities(t))).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
      transient: false,
    });
  });

  it('does not copy Meta’s free-text message (it may echo parameters)', async () => {
    const t = token();
    graph.scriptResponse(t, {
      status: 400,
      body: { error: { message: `Bad token ${t}`, type: 'OAuthException', code: 190 } },
    });
    const error = await failure(client.fetchIdentities(t));
    expect(error.message).not.toContain('Bad token');
  });

  it('treats a profile without id or username as a platform failure', async () => {
    const t = token();
    graph.scriptResponse(t, { status: 200, body: { id: '5' } });
    expect(await failure(client.fetchIdentities(t))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      transient: true,
    });
  });

  it('treats an unreachable API as transient', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const unreachable = new ThreadsIdentityClient({
      apiUrl: `http://127.0.0.1:${port}/v1.0`,
      clientSecret: CLIENT_SECRET,
    });
    expect(await failure(unreachable.fetchIdentities(token()))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status: null,
      transient: true,
    });
    expect(await failure(unreachable.exchangeToken(shortLived(token()), NOW))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      transient: true,
    });
  });
});
