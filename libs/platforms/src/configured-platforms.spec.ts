import { ConfiguredPlatforms, PLATFORM_INTEGRATIONS } from './configured-platforms';
import { loadPlatformsConfig } from './platform-config';
import { PLATFORMS } from '@ledger/domain';

const credentialsForAll = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const p of PLATFORMS) {
    env[`${p.toUpperCase()}_CLIENT_ID`] = 'id';
    env[`${p.toUpperCase()}_CLIENT_SECRET`] = 'secret';
  }
  return env;
};

describe('PLATFORM_INTEGRATIONS', () => {
  it('holds one object for each of the six platforms', () => {
    expect(PLATFORM_INTEGRATIONS.map((p) => p.id).sort()).toEqual([...PLATFORMS].sort());
    for (const p of PLATFORM_INTEGRATIONS) expect(p.oauthTraits.platform).toBe(p.id);
  });
});

describe('ConfiguredPlatforms', () => {
  it('offers X for OAuth only once both its client id and secret are set', () => {
    expect(
      ConfiguredPlatforms.fromConfig(loadPlatformsConfig({ X_CLIENT_ID: 'id' })).connectable,
    ).toEqual([]);
    const [x, ...others] = ConfiguredPlatforms.fromConfig(
      loadPlatformsConfig({ X_CLIENT_ID: 'id', X_CLIENT_SECRET: 's' }),
    ).connectable;
    expect(others).toEqual([]);
    expect(x!.definition).toMatchObject({
      platform: 'x',
      pkce: true,
      tokenEndpointAuth: 'client_secret_basic',
      scopes: expect.arrayContaining(['offline.access']),
      redirectUri: 'http://localhost:3000/v1/oauth/x/callback',
    });
    expect(x!.identityClient.platform).toBe('x');
  });

  it('builds a refresher and a health probe for each platform with credentials, none for the others', () => {
    const platforms = ConfiguredPlatforms.fromConfig(
      loadPlatformsConfig({
        X_CLIENT_ID: 'x',
        X_CLIENT_SECRET: 'xs',
        TIKTOK_CLIENT_ID: 't',
        TIKTOK_CLIENT_SECRET: 'ts',
        INSTAGRAM_CLIENT_ID: 'i',
        INSTAGRAM_CLIENT_SECRET: 'is',
        FACEBOOK_CLIENT_ID: 'f',
        // No FACEBOOK_CLIENT_SECRET: not configured.
      }),
    );
    const refreshed = platforms.all.filter((p) => p.refresher).map((p) => p.id);
    expect(refreshed.sort()).toEqual(['instagram', 'tiktok', 'x']);
    for (const p of platforms.all) {
      expect(p.refresher?.platform ?? p.id).toBe(p.id);
      expect(Boolean(p.health)).toBe(refreshed.includes(p.id));
    }
  });

  it('covers all six platforms when all are configured', () => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig(credentialsForAll()));
    expect(platforms.all.filter((p) => p.refresher && p.health && p.oauth)).toHaveLength(6);
  });

  it('has a revoker and a publisher for every platform, configured or not', async () => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig({}));
    for (const p of platforms.all) {
      expect(p.revoker.platform).toBe(p.id);
      expect(p.publisher.platform).toBe(p.id);
    }
    // Without credentials X cannot be asked; LinkedIn offers no revocation at all.
    const tokens = { accessToken: 'a', refreshToken: null };
    expect(await platforms.get('x').revoker.revoke(tokens)).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/no client credentials/),
    });
    expect(await platforms.get('linkedin').revoker.revoke(tokens)).toMatchObject({
      status: 'not_offered',
    });
  });

  it('knows which platforms revoke the whole authorization (Facebook, TikTok)', () => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig({}));
    expect(
      platforms.all
        .filter((p) => p.revokesWholeGrant)
        .map((p) => p.id)
        .sort(),
    ).toEqual(['facebook', 'tiktok']);
  });

  it('swaps revokers where asked (the sandbox), keeping every other part', async () => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig(credentialsForAll()));
    const forgotten: string[] = [];
    const swapped = platforms.withRevokers({
      x: {
        platform: 'x',
        revoke: (tokens) => {
          forgotten.push(tokens.accessToken);
          return Promise.resolve({ platform: 'x', status: 'revoked', detail: null });
        },
      },
    });
    expect(await swapped.get('x').revoker.revoke({ accessToken: 'a', refreshToken: null })).toEqual(
      { platform: 'x', status: 'revoked', detail: null },
    );
    expect(forgotten).toEqual(['a']);
    expect(swapped.get('x').oauth).toBe(platforms.get('x').oauth);
    expect(swapped.get('tiktok').revoker).toBe(platforms.get('tiktok').revoker);
  });
});
