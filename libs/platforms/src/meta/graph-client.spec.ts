import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  startFacebookGraphServer,
  type FacebookGraphServer,
} from '@ledger/testing/platform-servers/graph-api-server';
import { PlatformApiError } from '../errors';
import { GraphClient } from './graph-client';
import { GraphApiError, graphErrorCode, rateLimitRetryAt } from './graph-errors';
import { unwrapMetaTokenResponse } from './token-response';

const CLIENT_SECRET = 'graph-spec-app-secret-0123456789';
const NOW = new Date('2026-11-02T10:00:00Z');

let graph: FacebookGraphServer;
let client: GraphClient;
const tokens: string[] = [];

function token(name: string): string {
  const value = `EAAB-${name}-${Math.random().toString(36).slice(2)}`;
  tokens.push(value);
  return value;
}

beforeAll(async () => {
  graph = await startFacebookGraphServer({ clientId: '42', clientSecret: CLIENT_SECRET });
  client = new GraphClient({ platform: 'facebook', apiUrl: graph.apiUrl, now: () => NOW });
});
afterAll(() => graph.stop());

async function failure(
  accessToken: string,
  c: GraphClient = client,
  path = 'me',
): Promise<GraphApiError> {
  const error = await c.get({ path, accessToken, what: 'reading the user' }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphApiError);
  expect(error).toBeInstanceOf(PlatformApiError);
  // Neither the token nor Meta's free text travels in an error.
  const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
  expect(text).not.toContain(accessToken);
  expect(text).not.toContain('Meta says:');
  return error as GraphApiError;
}

function scripted(name: string, status: number, body: unknown, headers?: Record<string, string>) {
  const t = token(name);
  graph.scriptResponse(t, { status, body, headers });
  return t;
}

function graphBody(code: number, subcode?: number, extra: Record<string, unknown> = {}) {
  return {
    error: {
      message: `Meta says: something about ${code}`,
      type: 'OAuthException',
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: 'AbC123xyz',
      ...extra,
    },
  };
}

describe('Graph error classification', () => {
  it('reports an unknown token as TOKEN_INVALID, as Graph answers it (190, HTTP 400)', async () => {
    const error = await failure(token('never-registered'));
    expect(error).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 400,
      transient: false,
      platform: 'facebook',
      graph: { code: 190, subcode: null, type: 'OAuthException' },
    });
    expect(error.graph.fbtraceId).toEqual(expect.any(String));
    expect(error.message).toContain('Graph error 190');
  });

  it.each<[number, number | undefined, string]>([
    [190, 463, 'expired'],
    [190, 460, 'password changed'],
    [190, 458, 'app removed'],
    [102, undefined, 'old session'],
  ])('maps %i/%s (%s) to TOKEN_INVALID', async (code, subcode) => {
    const error = await failure(
      scripted(`token-${code}-${subcode}`, 400, graphBody(code, subcode)),
    );
    expect(error).toMatchObject({
      code: 'TOKEN_INVALID',
      transient: false,
      graph: { code, subcode: subcode ?? null, fbtraceId: 'AbC123xyz' },
    });
  });

  it.each([10, 200, 230, 299, 3])(
    'maps permission code %i to INSUFFICIENT_PERMISSIONS',
    async (code) => {
      const error = await failure(scripted(`perm-${code}`, 403, graphBody(code)));
      expect(error).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', transient: false });
    },
  );

  it.each([4, 17, 32, 613, 80001])(
    'maps rate limit code %i to a transient PLATFORM_RATE_LIMITED',
    async (code) => {
      const error = await failure(scripted(`rate-${code}`, 400, graphBody(code)));
      expect(error).toMatchObject({
        code: 'PLATFORM_RATE_LIMITED',
        transient: true,
        retryAt: null,
      });
    },
  );

  it('takes the retry time from X-Business-Use-Case-Usage', async () => {
    const usage = JSON.stringify({
      '1234': [
        {
          type: 'pages',
          call_count: 100,
          total_cputime: 30,
          total_time: 40,
          estimated_time_to_regain_access: 7,
        },
        { type: 'pages', call_count: 90, estimated_time_to_regain_access: 3 },
      ],
    });
    const error = await failure(
      scripted('buc', 400, graphBody(80001), { 'X-Business-Use-Case-Usage': usage }),
    );
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 7 * 60_000));
  });

  it('falls back to Retry-After, and ignores headers that say nothing', () => {
    expect(rateLimitRetryAt(new Headers({ 'retry-after': '120' }), NOW)).toEqual(
      new Date(NOW.getTime() + 120_000),
    );
    expect(rateLimitRetryAt(new Headers({ 'x-business-use-case-usage': '{oops' }), NOW)).toBeNull();
    expect(rateLimitRetryAt(new Headers(), NOW)).toBeNull();
  });

  it.each<[number, number | undefined]>([
    [803, undefined],
    [100, 33],
  ])('maps %i/%s (object does not exist) to ACCOUNT_NOT_FOUND', async (code, subcode) => {
    const error = await failure(scripted(`gone-${code}`, 400, graphBody(code, subcode)));
    expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', transient: false });
  });

  it.each([
    ['HTTP 500 with a Graph body', 500, graphBody(1)],
    ['HTTP 503 without a body', 503, ''],
    ['HTTP 502 with an HTML page', 502, '<html>Bad Gateway</html>'],
    ['code 2 (API service)', 400, graphBody(2)],
    ['is_transient', 400, graphBody(9999, undefined, { is_transient: true })],
  ])('treats %s as a transient PLATFORM_UNAVAILABLE', async (_name, status, body) => {
    const error = await failure(scripted(`down-${status}`, status, body));
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true, status });
  });

  it('treats an error body under HTTP 200 as an error', async () => {
    const error = await failure(scripted('ok-but-error', 200, graphBody(190, 463)));
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 200 });
  });

  it('falls back on the HTTP status when the body is not Graph-shaped', () => {
    const status = (s: number) => graphErrorCode({ code: null, subcode: null }, s);
    expect([401, 403, 404, 429, 400, 502].map(status)).toEqual([
      'TOKEN_INVALID',
      'INSUFFICIENT_PERMISSIONS',
      'ACCOUNT_NOT_FOUND',
      'PLATFORM_RATE_LIMITED',
      'PLATFORM_UNAVAILABLE',
      'PLATFORM_UNAVAILABLE',
    ]);
  });

  it('treats an unreachable API as transient, without the URL in the error', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const unreachable = new GraphClient({
      platform: 'instagram',
      apiUrl: `http://127.0.0.1:${port}/v26.0`,
    });
    const secret = token('secret-in-query');
    const error = await unreachable
      .get({
        path: 'access_token',
        query: { access_token: secret, client_secret: CLIENT_SECRET },
        accessToken: null,
        what: 'exchanging',
      })
      .catch((e: unknown) => e as GraphApiError);
    expect(error).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status: null,
      transient: true,
      platform: 'instagram',
    });
    const text = `${String(error)} ${inspect(error, { depth: 6 })}`;
    expect(text).not.toContain(secret);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain('access_token');
  });
});

describe('GraphClient', () => {
  it('sends the token in the Authorization header, never in the URL', async () => {
    const t = token('header');
    graph.registerUser(t, { id: '7', name: 'Ada', pages: [] });
    await expect(
      client.get({ path: 'me', query: { fields: 'id,name' }, accessToken: t, what: 'x' }),
    ).resolves.toEqual({
      id: '7',
      name: 'Ada',
    });
    expect(graph.requests.at(-1)).toMatchObject({
      path: 'me',
      tokenIn: 'header',
      fields: 'id,name',
    });
  });

  it('follows cursors across edge pages without following the token-bearing next URL', async () => {
    const t = token('paging');
    const pages = Array.from({ length: 5 }, (_, i) => ({
      id: `${100 + i}`,
      name: `Page ${i}`,
      tasks: ['MANAGE'],
      access_token: token(`page-${i}`),
    }));
    graph.registerUser(t, { id: '8', name: 'Grace', pages });
    const before = graph.requests.length;
    const items = await client.getAll<{ id: string }>({
      path: 'me/accounts',
      query: { fields: 'id', limit: '2' },
      accessToken: t,
      what: 'listing Pages',
    });
    expect(items.map((p) => p.id)).toEqual(['100', '101', '102', '103', '104']);
    const calls = graph.requests.slice(before);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.tokenIn === 'header')).toBe(true);
    expect(calls.map((c) => c.after === null)).toEqual([true, false, false]);
  });

  it('refuses an edge page without a data list', async () => {
    const t = scripted('no-data', 200, { paging: {} });
    await expect(
      client.getAll({ path: 'me/accounts', accessToken: t, what: 'listing Pages' }),
    ).rejects.toMatchObject({ code: 'PLATFORM_UNAVAILABLE' });
  });
});

describe('unwrapMetaTokenResponse', () => {
  it('flattens the documented data-wrapped Instagram answer and reads permissions as scope', () => {
    expect(
      unwrapMetaTokenResponse({
        data: [
          {
            access_token: 'IGAA',
            user_id: '1784',
            permissions: 'instagram_business_basic,instagram_business_content_publish',
          },
        ],
      }),
    ).toEqual({
      access_token: 'IGAA',
      user_id: '1784',
      permissions: 'instagram_business_basic,instagram_business_content_publish',
      scope: 'instagram_business_basic instagram_business_content_publish',
    });
  });

  it('keeps flat answers, and reads array permissions', () => {
    expect(
      unwrapMetaTokenResponse({ access_token: 'IGAA', user_id: 1, permissions: ['a', 'b'] }),
    ).toEqual({ access_token: 'IGAA', user_id: 1, permissions: ['a', 'b'], scope: 'a b' });
    expect(unwrapMetaTokenResponse({ access_token: 'EAAG', expires_in: 3600 })).toEqual({
      access_token: 'EAAG',
      expires_in: 3600,
    });
  });
});
