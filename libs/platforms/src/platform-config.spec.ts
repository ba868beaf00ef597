import { PLATFORMS } from '@ledger/domain';
import { loadPlatformsConfig, PlatformConfigError } from './platform-config';

describe('loadPlatformsConfig', () => {
  it("defaults to X's real endpoints", () => {
    const { x } = loadPlatformsConfig({}).platforms;
    expect(x).toMatchObject({
      authorizationUrl: 'https://x.com/i/oauth2/authorize',
      tokenUrl: 'https://api.x.com/2/oauth2/token',
      apiUrl: 'https://api.x.com',
      clientId: null,
      clientSecret: null,
    });
  });

  it('has https defaults for every platform, each with its own callback', () => {
    const config = loadPlatformsConfig({ PUBLIC_BASE_URL: 'https://ledger.example.com/' });
    for (const platform of PLATFORMS) {
      const settings = config.platforms[platform];
      for (const url of [settings.authorizationUrl, settings.tokenUrl, settings.apiUrl]) {
        expect(new URL(url).protocol).toBe('https:');
      }
      expect(settings.redirectUri).toBe(`https://ledger.example.com/v1/oauth/${platform}/callback`);
    }
    expect(config.platforms.facebook.authorizationUrl).toMatch(
      /^https:\/\/www\.facebook\.com\/v\d+\.0\/dialog\/oauth$/,
    );
    expect(config.platforms.linkedin.tokenUrl).toBe(
      'https://www.linkedin.com/oauth/v2/accessToken',
    );
    expect(config.platforms.tiktok.tokenUrl).toBe('https://open.tiktokapis.com/v2/oauth/token/');
  });

  it('reads each platform from its own variables, ignoring blank ones', () => {
    const config = loadPlatformsConfig({
      PUBLIC_BASE_URL: 'http://127.0.0.1:4000',
      X_AUTH_URL: 'http://127.0.0.1:9000/i/oauth2/authorize',
      X_TOKEN_URL: 'http://127.0.0.1:9000/2/oauth2/token',
      X_API_URL: 'http://127.0.0.1:9001/',
      X_CLIENT_ID: 'client-id',
      X_CLIENT_SECRET: 'client-secret',
      THREADS_CLIENT_ID: '  ',
    });
    expect(config.platforms.x).toEqual({
      platform: 'x',
      authorizationUrl: 'http://127.0.0.1:9000/i/oauth2/authorize',
      tokenUrl: 'http://127.0.0.1:9000/2/oauth2/token',
      apiUrl: 'http://127.0.0.1:9001',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      redirectUri: 'http://127.0.0.1:4000/v1/oauth/x/callback',
    });
    expect(config.platforms.threads.clientId).toBeNull();
    expect(config.platforms.facebook.clientId).toBeNull();
  });

  it('builds the local redirect URI from PORT when PUBLIC_BASE_URL is unset', () => {
    expect(loadPlatformsConfig({ PORT: '8080' }).platforms.x.redirectUri).toBe(
      'http://localhost:8080/v1/oauth/x/callback',
    );
  });

  it('refuses a malformed URL at startup, naming the variable', () => {
    expect(() => loadPlatformsConfig({ X_TOKEN_URL: 'api.x.com/2/oauth2/token' })).toThrow(
      PlatformConfigError,
    );
    expect(() => loadPlatformsConfig({ X_TOKEN_URL: 'api.x.com/2/oauth2/token' })).toThrow(
      /X_TOKEN_URL/,
    );
    expect(() => loadPlatformsConfig({ PUBLIC_BASE_URL: 'ftp://ledger' })).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });
});
