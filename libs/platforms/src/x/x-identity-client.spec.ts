import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { startXApiServer, type XApiServer } from '@ledger/testing/platform-servers';
import { PlatformApiError } from '../errors';
import { XIdentityClient } from './x-identity-client';

let xApi: XApiServer;
let client: XIdentityClient;

beforeAll(async () => {
  xApi = await startXApiServer();
  client = new XIdentityClient({ apiUrl: `${xApi.baseUrl}/` });
});
afterAll(() => xApi.stop());

async function failure(
  accessToken: string,
  c: XIdentityClient = client,
): Promise<PlatformApiError> {
  const error = await c.fetchIdentities(accessToken).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformApiError);
  // The bearer token must never travel in an error (they end up in logs and responses).
  expect(`${String(error)} ${inspect(error, { depth: 6 })}`).not.toContain(accessToken);
  return error as PlatformApiError;
}

describe('XIdentityClient', () => {
  it.each([
    ['blue', 'premium'],
    ['business', 'business'],
    ['government', 'standard'],
    ['none', 'standard'],
    [undefined, 'standard'],
  ] as const)('maps verified_type %s to account type %s', async (verifiedType, accountType) => {
    const token = `token-${verifiedType}`;
    xApi.registerToken(token, {
      id: '2244994945',
      name: 'X Developers',
      username: 'XDevelopers',
      profile_image_url: 'https://pbs.twimg.com/profile_images/x.jpg',
      ...(verifiedType ? { verified_type: verifiedType } : {}),
    });
    expect(await client.fetchIdentities(token)).toEqual([
      {
        accountId: '2244994945',
        accountName: 'XDevelopers',
        accountType,
        displayName: 'X Developers',
        pictureUrl: 'https://pbs.twimg.com/profile_images/x.jpg',
      },
    ]);
  });

  it('asks X for the fields it maps', async () => {
    xApi.registerToken('fields', { id: '1', name: 'n', username: 'u' });
    await client.fetchIdentities('fields');
    expect(xApi.userFieldsRequested.at(-1)?.split(',')).toEqual(
      expect.arrayContaining(['verified_type', 'username', 'name', 'profile_image_url']),
    );
  });

  it('reports an unknown, expired or revoked token as TOKEN_INVALID', async () => {
    expect(await failure('never-registered-token')).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 401,
      transient: false,
    });
  });

  it('reports missing scopes as INSUFFICIENT_PERMISSIONS', async () => {
    xApi.scriptResponse('forbidden', { status: 403, body: { title: 'Forbidden', status: 403 } });
    expect(await failure('forbidden')).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
      transient: false,
    });
  });

  it('reports a vanished account as ACCOUNT_NOT_FOUND', async () => {
    xApi.scriptResponse('gone', { status: 404, body: { title: 'Not Found Error', status: 404 } });
    expect(await failure('gone')).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', transient: false });
  });

  it('reports the rate limit with the reset time X announces', async () => {
    xApi.scriptResponse('limited', {
      status: 429,
      headers: { 'x-rate-limit-reset': '1795000000', 'x-rate-limit-remaining': '0' },
      body: { title: 'Too Many Requests', status: 429 },
    });
    const error = await failure('limited');
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
    expect(error.retryAt).toEqual(new Date(1795000000 * 1000));
  });

  it.each([500, 503])('treats HTTP %i as a transient platform failure', async (status) => {
    xApi.scriptResponse(`down-${status}`, { status, body: { title: 'Service Unavailable' } });
    expect(await failure(`down-${status}`)).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status,
      transient: true,
    });
  });

  it('treats a 200 without a user as a platform failure', async () => {
    xApi.scriptResponse('empty', { status: 200, body: { errors: [{ title: 'weird' }] } });
    expect(await failure('empty')).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true });
  });

  it('treats an unreachable API as transient', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const unreachable = new XIdentityClient({ apiUrl: `http://127.0.0.1:${port}` });
    expect(await failure('any-token', unreachable)).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status: null,
      transient: true,
    });
  });
});
