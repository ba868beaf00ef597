import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HUGE_BODY_MARKER,
  startMisbehavingServer,
  type MisbehavingServer,
} from '@ledger/testing/platform-servers/misbehaving-server';
import {
  boundedFetch,
  configurePlatformHttp,
  DEFAULT_PLATFORM_HTTP_LIMITS,
  fetchPlatformApi,
  ResponseTooLargeError,
} from './http';
import { xTokenRefresher } from './x/x-refresh';
import { xTokenRevoker } from './x/x-revoke';
import { loadPlatformsConfig } from './platform-config';

/** Local servers that accept and never answer, or answer without end (set short limits). */
describe('boundedFetch: a deadline and a body limit on every platform call', () => {
  let server: MisbehavingServer;
  beforeAll(async () => {
    server = await startMisbehavingServer(1024 * 1024);
    configurePlatformHttp({ timeoutMs: 200, maxBodyBytes: 16 * 1024 });
  });
  afterAll(async () => {
    configurePlatformHttp(DEFAULT_PLATFORM_HTTP_LIMITS);
    await server.stop();
  });

  it('gives up on an endpoint that never answers, with a TimeoutError, and closes the socket', async () => {
    server.mode = 'hang';
    await expect(boundedFetch(`${server.baseUrl}/x`, {})).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await server.allClosed(3000);
  });

  it('refuses a body over the limit, declared or streamed, and closes the socket', async () => {
    server.mode = 'huge';
    for (const declareLength of [true, false]) {
      server.declareLength = declareLength;
      const error = await boundedFetch(`${server.baseUrl}/x`, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(String(error)).not.toContain(HUGE_BODY_MARKER);
      await server.allClosed(3000);
    }
  });

  it('answers a buffered Response for a normal answer, status and headers kept', async () => {
    const normal = createServer((_req, res) => {
      res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
      res.end('{"error":"slow_down"}');
    });
    await new Promise<void>((resolve) => normal.listen(0, '127.0.0.1', resolve));
    const { port } = normal.address() as AddressInfo;
    try {
      const response = await boundedFetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body: 'a=1',
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toEqual({ error: 'slow_down' });
    } finally {
      normal.close();
    }
  });

  it('reports a refused connection as fetch does, with the system code as cause', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    await expect(boundedFetch(`http://127.0.0.1:${port}/`, {})).rejects.toMatchObject({
      name: 'TypeError',
      cause: { code: 'ECONNREFUSED' },
    });
  });

  it('makes a platform API call that never answers a transient PLATFORM_UNAVAILABLE saying why', async () => {
    server.mode = 'hang';
    await expect(fetchPlatformApi('linkedin', `${server.baseUrl}/v2/me`, {})).rejects.toMatchObject(
      {
        code: 'PLATFORM_UNAVAILABLE',
        transient: true,
        message: 'LinkedIn API did not answer in time',
      },
    );
  });

  const x = {
    ...loadPlatformsConfig({}).platforms.x,
    clientId: 'x-client',
    clientSecret: 'x-secret',
  };

  it('lets a token refresh against a hanging endpoint fail as unavailable, not hang', async () => {
    server.mode = 'hang';
    const refresher = xTokenRefresher({ ...x, tokenUrl: `${server.baseUrl}/2/oauth2/token` });
    const now = new Date();
    const error = await refresher
      .refresh(
        {
          accessToken: 'x-access',
          refreshToken: 'x-refresh',
          scopes: ['offline.access'],
          expiresAt: new Date(now.getTime() + 60_000).toISOString(),
          refreshExpiresAt: null,
        },
        now,
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true });
    await server.allClosed(3000);
  });

  it('lets a revocation against an endpoint answering without end fail as a result, not hang', async () => {
    server.mode = 'huge';
    server.declareLength = false;
    const revoker = xTokenRevoker({ ...x, tokenUrl: `${server.baseUrl}/2/oauth2/token` });
    const result = await revoker.revoke({ accessToken: 'x-access', refreshToken: null });
    expect(result).toMatchObject({ platform: 'x', status: 'failed' });
    expect(JSON.stringify(result)).not.toContain(HUGE_BODY_MARKER);
    await server.allClosed(3000);
  });
});
