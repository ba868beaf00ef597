import { Controller, Delete, Get } from '@nestjs/common';
import request from 'supertest';
import { sign } from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { signTestToken, unsignedTestToken, type TestRole } from '@ledger/testing/jwt';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from '../testing/test-app';
import { AnyRole, Public, Roles } from './auth.decorators';
import { CurrentActor, type Actor } from './current-actor.decorator';
import { IdempotentPost } from '../idempotency/idempotent-post';

@Controller('v1/workspaces/:ws/things')
@Roles('owner', 'admin')
class ThingsController {
  @Get()
  @AnyRole()
  list(@CurrentActor() actor: Actor): Actor {
    return actor;
  }

  @IdempotentPost()
  create(@CurrentActor() actor: Actor): { by: string } {
    return { by: actor.userId };
  }

  @Delete()
  @Roles('owner')
  destroy(): { ok: true } {
    return { ok: true };
  }

  @Get('audit')
  @Roles('owner', 'auditor')
  audit(): { ok: true } {
    return { ok: true };
  }
}

/** A workspace route that forgot @Roles: default-deny refuses everyone. */
@Controller('v1/workspaces/:ws/forgotten')
class ForgottenController {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }
}

@Controller()
class OtherController {
  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }

  /** No workspace in the path: any authenticated caller, with all their claims. */
  @Get('v1/me')
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}

const ROLE_MATRIX: Array<[string, string, Record<TestRole, number>]> = [
  ['GET', '', { owner: 200, admin: 200, editor: 200, auditor: 200 }],
  ['POST', '', { owner: 201, admin: 201, editor: 403, auditor: 403 }],
  ['DELETE', '', { owner: 200, admin: 403, editor: 403, auditor: 403 }],
  ['GET', '/audit', { owner: 200, admin: 403, editor: 403, auditor: 200 }],
];

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('AuthGuard over HTTP', () => {
  let t: TestApp;
  const tokenFor = (workspaces: Record<string, string>, sub = 'user-1') =>
    signTestToken({ sub, workspaces }, TEST_JWT_SECRET);

  beforeAll(async () => {
    t = await createTestApp({
      controllers: [ThingsController, ForgottenController, OtherController],
    });
  });
  afterAll(() => t.close());

  function call(method: string, path: string, token?: string): request.Test {
    const req = request(t.server)[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }

  for (const [method, suffix, expected] of ROLE_MATRIX) {
    for (const [role, status] of Object.entries(expected)) {
      it(`${method} things${suffix} as ${role} -> ${status}`, async () => {
        const res = await call(
          method,
          `/v1/workspaces/ws-a/things${suffix}`,
          tokenFor({ 'ws-a': role }),
        );
        expect(res.status).toBe(status);
        if (status === 403) {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body.code).toBe('FORBIDDEN');
        }
      });
    }
  }

  it('refuses a token for workspace A on workspace B with 403', async () => {
    const token = tokenFor({ 'ws-a': 'owner' });
    const res = await call('GET', '/v1/workspaces/ws-b/things', token);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'FORBIDDEN',
      detail: 'You have no role in this workspace',
    });
    expect(res.text).not.toContain(token);
  });

  it('does not let an inherited property name pass as a workspace', async () => {
    const res = await call(
      'GET',
      '/v1/workspaces/constructor/things',
      tokenFor({ 'ws-a': 'owner' }),
    );
    expect(res.status).toBe(403);
  });

  it('ignores roles it does not know', async () => {
    const res = await call('GET', '/v1/workspaces/ws-a/things', tokenFor({ 'ws-a': 'superuser' }));
    expect(res.status).toBe(403);
  });

  it('refuses a workspace route without @Roles (default-deny)', async () => {
    const res = await call('GET', '/v1/workspaces/ws-a/forgotten', tokenFor({ 'ws-a': 'owner' }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('gives the actor: user, role in the path workspace, ip, user agent and all claims', async () => {
    const res = await call(
      'GET',
      '/v1/workspaces/ws-a/things',
      tokenFor({ 'ws-a': 'editor', 'ws-b': 'owner' }, 'u-42'),
    ).set('User-Agent', 'ledger-test/1.0');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: 'u-42',
      role: 'editor',
      workspaceId: 'ws-a',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'ledger-test/1.0',
      workspaces: { 'ws-a': 'editor', 'ws-b': 'owner' },
    });
  });

  it('lets any authenticated caller reach a route without a workspace', async () => {
    const res = await call('GET', '/v1/me', tokenFor({ 'ws-b': 'auditor' }, 'u-7'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: 'u-7', workspaces: { 'ws-b': 'auditor' } });
    expect(res.body.role).toBeUndefined();
  });

  it('serves @Public() routes without a token', async () => {
    expect((await call('GET', '/open')).status).toBe(200);
  });

  describe('refuses bad tokens with 401 UNAUTHENTICATED', () => {
    const claims = { sub: 'user-1', workspaces: { 'ws-a': 'owner' } };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Every row has three entries: jest would take a missing one for a `done` callback.
    const cases: Array<[string, () => string | undefined, string | undefined]> = [
      ['no header', () => undefined, undefined],
      [
        'expired',
        () => signTestToken(claims, TEST_JWT_SECRET, { expiresIn: -60 }),
        'The token has expired',
      ],
      ['forged with another secret', () => signTestToken(claims, 'not-the-secret'), undefined],
      ['alg none', () => unsignedTestToken(claims), undefined],
      ['HS512', () => signTestToken(claims, TEST_JWT_SECRET, { algorithm: 'HS512' }), undefined],
      ['RS256', () => sign(claims, privateKey, { algorithm: 'RS256' }), undefined],
      [
        'not yet valid',
        () => sign({ ...claims, nbf: Math.floor(Date.now() / 1000) + 600 }, TEST_JWT_SECRET),
        undefined,
      ],
      [
        'no sub',
        () => sign({ workspaces: {} }, TEST_JWT_SECRET, { expiresIn: 60 }),
        'The token has no subject',
      ],
      [
        'no workspaces',
        () => sign({ sub: 'user-1' }, TEST_JWT_SECRET, { expiresIn: 60 }),
        'The token has no workspaces claim',
      ],
      ['no exp', () => sign(claims, TEST_JWT_SECRET), 'The token has no expiry (exp)'],
      [
        'a lifetime over JWT_MAX_LIFETIME_SECONDS (default one day)',
        () => signTestToken(claims, TEST_JWT_SECRET, { expiresIn: 86_401 }),
        'The token lives longer than 86400 seconds',
      ],
      [
        'no iat and exp too far from now',
        () =>
          sign({ ...claims, exp: nowSeconds() + 86_401 }, TEST_JWT_SECRET, { noTimestamp: true }),
        'The token lives longer than 86400 seconds',
      ],
      [
        'issued in the future to stretch its lifetime',
        () =>
          sign(
            { ...claims, iat: nowSeconds() + 864_000, exp: nowSeconds() + 864_060 },
            TEST_JWT_SECRET,
          ),
        'The token lives longer than 86400 seconds',
      ],
      ['garbage', () => 'not.a.jwt', undefined],
    ];
    it.each(cases)('%s', async (_name, makeToken, detail) => {
      const token = makeToken();
      const res = await call('GET', '/v1/workspaces/ws-a/things', token);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      if (detail) expect(res.body.detail).toBe(detail);
      if (token) {
        expect(res.text).not.toContain(token);
        expect(t.logs.text).not.toContain(token);
      }
    });

    it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Token abc', `bearer  ${'x'}`])(
      'malformed header %s',
      async (header) => {
        const res = await request(t.server)
          .get('/v1/workspaces/ws-a/things')
          .set('Authorization', header);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      },
    );

    it('accepts a token that lives exactly the maximum, or less, without iat', async () => {
      const full = signTestToken(claims, TEST_JWT_SECRET, { expiresIn: 86_400 });
      expect((await call('GET', '/v1/workspaces/ws-a/things', full)).status).toBe(200);
      const bare = sign({ ...claims, exp: nowSeconds() + 600 }, TEST_JWT_SECRET, {
        noTimestamp: true,
      });
      expect((await call('GET', '/v1/workspaces/ws-a/things', bare)).status).toBe(200);
    });
  });
});

describe('AuthGuard with JWT_AUDIENCE, JWT_ISSUER and JWT_MAX_LIFETIME_SECONDS set', () => {
  let t: TestApp;
  const AUD = 'connection-ledger';
  const ISS = 'https://idp.example.com/';
  const claims = { sub: 'user-1', workspaces: { 'ws-a': 'owner' } };

  beforeAll(async () => {
    t = await createTestApp({
      controllers: [ThingsController],
      env: { JWT_AUDIENCE: AUD, JWT_ISSUER: ISS, JWT_MAX_LIFETIME_SECONDS: '600' },
    });
  });
  afterAll(() => t.close());

  const get = (token: string) =>
    request(t.server).get('/v1/workspaces/ws-a/things').set('Authorization', `Bearer ${token}`);

  it('accepts a token for this audience from this issuer', async () => {
    const token = signTestToken({ ...claims, aud: AUD, iss: ISS }, TEST_JWT_SECRET, {
      expiresIn: 600,
    });
    expect((await get(token)).status).toBe(200);
    const among = signTestToken({ ...claims, aud: ['other', AUD], iss: ISS }, TEST_JWT_SECRET, {
      expiresIn: 60,
    });
    expect((await get(among)).status).toBe(200);
  });

  it.each([
    [
      'another audience',
      { aud: 'other-service', iss: ISS },
      600,
      'The token is for another audience',
    ],
    ['no audience', { iss: ISS }, 600, 'The token is for another audience'],
    [
      'another issuer',
      { aud: AUD, iss: 'https://evil.example.com/' },
      600,
      'The token is from another issuer',
    ],
    ['no issuer', { aud: AUD }, 600, 'The token is from another issuer'],
    [
      'a lifetime over the configured 600 s',
      { aud: AUD, iss: ISS },
      601,
      'The token lives longer than 600 seconds',
    ],
  ] as const)('refuses %s with 401, echoing nothing', async (_what, extra, expiresIn, detail) => {
    const token = signTestToken({ ...claims, ...extra }, TEST_JWT_SECRET, { expiresIn });
    const res = await get(token);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', detail });
    expect(res.text).not.toContain(token);
    expect(t.logs.text).not.toContain(token);
  });
});
