import { PLATFORMS, type Platform } from '@ledger/domain';

/** Where a platform's OAuth and API live, and this service's credentials there. */
export interface PlatformSettings {
  platform: Platform;
  authorizationUrl: string;
  tokenUrl: string;
  apiUrl: string;
  clientId: string | null;
  clientSecret: string | null;
  /** The one exact redirect URI registered at the platform for this service. */
  redirectUri: string;
}

export interface PlatformsConfig {
  publicBaseUrl: string;
  platforms: Record<Platform, PlatformSettings>;
}

interface DefaultUrls {
  auth: string;
  token: string;
  api: string;
}

/**
 * The real endpoints (checked against each platform's documentation, 2026). Meta's
 * Graph hosts are versioned in the API base so one variable moves the version.
 */
export const DEFAULT_PLATFORM_URLS: Record<Platform, DefaultUrls> = {
  x: {
    auth: 'https://x.com/i/oauth2/authorize',
    token: 'https://api.x.com/2/oauth2/token',
    api: 'https://api.x.com',
  },
  facebook: {
    auth: 'https://www.facebook.com/v26.0/dialog/oauth',
    token: 'https://graph.facebook.com/v26.0/oauth/access_token',
    api: 'https://graph.facebook.com/v26.0',
  },
  instagram: {
    // Business Login for Instagram (Instagram API with Instagram Login).
    auth: 'https://www.instagram.com/oauth/authorize',
    token: 'https://api.instagram.com/oauth/access_token',
    api: 'https://graph.instagram.com/v26.0',
  },
  tiktok: {
    auth: 'https://www.tiktok.com/v2/auth/authorize/',
    token: 'https://open.tiktokapis.com/v2/oauth/token/',
    api: 'https://open.tiktokapis.com',
  },
  linkedin: {
    auth: 'https://www.linkedin.com/oauth/v2/authorization',
    token: 'https://www.linkedin.com/oauth/v2/accessToken',
    api: 'https://api.linkedin.com',
  },
  threads: {
    auth: 'https://threads.com/oauth/authorize',
    token: 'https://graph.threads.com/oauth/access_token',
    api: 'https://graph.threads.com/v1.0',
  },
};

export class PlatformConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformConfigError';
  }
}

export type EnvLike = Record<string, string | undefined>;

/**
 * Reads `<PLATFORM>_AUTH_URL`, `_TOKEN_URL`, `_API_URL`, `_CLIENT_ID`, `_CLIENT_SECRET`
 * and `PUBLIC_BASE_URL` (default `http://localhost:${PORT}`). Throws on a malformed URL
 * so a typo fails at startup rather than at a user's first connect.
 */
export function loadPlatformsConfig(env: EnvLike): PlatformsConfig {
  const publicBaseUrl = absoluteUrl(
    'PUBLIC_BASE_URL',
    value(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${value(env, 'PORT') ?? '3000'}`,
  ).replace(/\/+$/, '');
  const platforms = {} as Record<Platform, PlatformSettings>;
  for (const platform of PLATFORMS) {
    const prefix = platform.toUpperCase();
    const defaults = DEFAULT_PLATFORM_URLS[platform];
    platforms[platform] = {
      platform,
      authorizationUrl: absoluteUrl(
        `${prefix}_AUTH_URL`,
        value(env, `${prefix}_AUTH_URL`) ?? defaults.auth,
      ),
      tokenUrl: absoluteUrl(
        `${prefix}_TOKEN_URL`,
        value(env, `${prefix}_TOKEN_URL`) ?? defaults.token,
      ),
      apiUrl: absoluteUrl(
        `${prefix}_API_URL`,
        value(env, `${prefix}_API_URL`) ?? defaults.api,
      ).replace(/\/+$/, ''),
      clientId: value(env, `${prefix}_CLIENT_ID`),
      clientSecret: value(env, `${prefix}_CLIENT_SECRET`),
      redirectUri: redirectUriFor(publicBaseUrl, platform),
    };
  }
  return { publicBaseUrl, platforms };
}

/** `${PUBLIC_BASE_URL}/v1/oauth/${platform}/callback`: one per platform, never derived from a request. */
export function redirectUriFor(publicBaseUrl: string, platform: Platform): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/oauth/${platform}/callback`;
}

export function isConfigured(
  settings: PlatformSettings,
): settings is PlatformSettings & { clientId: string; clientSecret: string } {
  return settings.clientId !== null && settings.clientSecret !== null;
}

function value(env: EnvLike, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : null;
}

function absoluteUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PlatformConfigError(`${name} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PlatformConfigError(`${name} must be an http(s) URL`);
  }
  if (url.hash) throw new PlatformConfigError(`${name} must not carry a fragment`);
  return raw;
}
