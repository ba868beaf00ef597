import { inspect } from 'node:util';
import type { ConnectionTokens } from '@ledger/token-vault';
import {
  startLinkedInOAuthServer,
  type LinkedInOAuthServer,
  type LinkedInTokenResponse,
} from '@ledger/testing/platform-servers/linkedin-oauth-server';
import { isConfigured, loadPlatformsConfig } from '../platform-config';
import { TokenRefreshError } from '../refresh/refresh-errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError, type TokenRefresher } from '../refresh/token-refresher';
import { linkedinTokenRefresher } from './linkedin-refresh';

const CLIENT_ID = '78linkedinrefresh';
const CLIENT_SECRET = 'linkedin-refresh-secret-0d15ea5e';
const NOW = new Date('2026-11-02T10:00:00.000Z');
const secrets: string[] = [CLIENT_SECRET];

let partner: LinkedInOAuthServer;
let member: LinkedInOAuthServer;

function refresherFor(server: LinkedInOAuthServer): TokenRefresher {
  const settings = loadPlatformsConfig({
    LINKEDIN_TOKEN_URL: server.tokenUrl,
    LINKEDIN_CLIENT_ID: CLIENT_ID,
    LINKEDIN_CLIENT_SECRET: CLIENT_SECRET,
  }).platforms.linkedin;
  if (!isConfigured(settings)) throw new Error('unconfigured');
  return linkedinTokenRefresher(settings);
}

beforeAll(async () => {
  const options = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: ['https://ledger.example.test/v1/oauth/linkedin/callback'],
  };
  [partner, member] = await Promise.all([
    startLinkedInOAuthServer({ ...options, refreshTokens: true }),
    startLinkedInOAuthServer(options),
  ]);
});
afterAll(() => Promise.all([partner.stop(), member.stop()]));

function stored(issued: LinkedInTokenResponse, at = NOW): ConnectionTokens {
  secrets.push(issued.access_token, ...(issued.refresh_token ? [issued.refresh_token] : []));
  return {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token ?? null,
    tokenType: issued.token_type,
    scopes: issued.scope.split(','),
    expiresAt: new Date(at.getTime() + issued.expires_in * 1000).toISOString(),
    refreshExpiresAt:
      issued.refresh_token_expires_in === undefined
        ? null
        : new Date(at.getTime() + issued.refresh_token_expires_in * 1000).toISOString(),
  };
}

async function failure(promise: Promise<unknown>): Promise<TokenRefreshError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRefreshError);
  const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
  return error as TokenRefreshError;
}

describe('LinkedIn token refresh', () => {
  it('has nothing to refresh without a refresh token: reconnect before the expiry', async () => {
    const refresher = refresherFor(member);
    const tokens = stored(member.issueTokens());
    expect(tokens.refreshToken).toBeNull();
    const expiresAt = new Date(tokens.expiresAt!);
    expect(refresher.plan(tokens, NOW)).toEqual({
      kind: 'no-refresh',
      refreshAt: null,
      reason: `LinkedIn issues no refresh token: reconnect before ${expiresAt.toISOString()}.`,
      expiresAt,
    });
    const before = member.tokenRequests().length;
    const early = await refresher.refresh(tokens, NOW).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(RefreshNotDueError);
    expect(refreshOutcome(early)).toMatchObject({ kind: 'transient', retryAt: null });
    // Past its 60 days the connection is expired.
    const dead = await failure(refresher.refresh(tokens, new Date(expiresAt.getTime() + 1)));
    expect(refreshOutcome(dead).kind).toBe('expired');
    expect(member.tokenRequests()).toHaveLength(before);
  });

  it('refreshes with an approved partner refresh token, which is kept with its end of life', async () => {
    const refresher = refresherFor(partner);
    const tokens = stored(partner.issueTokens('openid profile w_member_social'));
    const plan = refresher.plan({ ...tokens, issuedAt: NOW.toISOString() }, NOW);
    expect(plan).toEqual({
      kind: 'refresh',
      refreshAt: new Date(NOW.getTime() + 0.8 * 5_184_000 * 1000),
      expiresAt: new Date(tokens.expiresAt!),
    });

    const refreshed = await refresher.refresh(tokens, NOW);
    secrets.push(refreshed.accessToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.scopes).toEqual(['openid', 'profile', 'w_member_social']);
    expect(refreshed.expiresAt).toBe(new Date(NOW.getTime() + 5_184_000 * 1000).toISOString());
    // Not extended: still about a year from the first authorization.
    expect(
      Math.abs(Date.parse(refreshed.refreshExpiresAt!) - Date.parse(tokens.refreshExpiresAt!)),
    ).toBeLessThan(5_000);
    // client_secret_post.
    expect(partner.tokenRequests().at(-1)).toEqual({
      grantType: 'refresh_token',
      bodyKeys: ['client_id', 'client_secret', 'grant_type', 'refresh_token'],
      authorizationHeader: false,
    });
  });

  it('reports an invalid or expired refresh token (invalid_request) as dead', async () => {
    const refresher = refresherFor(partner);
    const tokens = { ...stored(partner.issueTokens()), refreshToken: 'AQ-revoked-refresh-token' };
    secrets.push(tokens.refreshToken);
    const error = await failure(refresher.refresh(tokens, NOW));
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', oauthError: 'invalid_request' });
    expect(refreshOutcome(error).kind).toBe('expired');
  });

  it('says reconnect once the refresh token itself has lapsed', () => {
    const refresher = refresherFor(partner);
    const tokens = stored(partner.issueTokens());
    const lapsed = new Date(Date.parse(tokens.refreshExpiresAt!) + 1000);
    const plan = refresher.plan({ ...tokens, expiresAt: lapsed.toISOString() }, lapsed);
    expect(plan).toMatchObject({ kind: 'no-refresh' });
    expect(plan.kind === 'no-refresh' && plan.reason).toContain(
      'The LinkedIn refresh token expired',
    );
  });
});
