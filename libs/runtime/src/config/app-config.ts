import { PLATFORMS, type Platform } from '@ledger/domain';
import { parseEdgeSettings, type EdgeSettings } from './edge-settings';

/**
 * The API's configuration, parsed once from the environment (ARCHITECTURE.md, "Configuration").
 * Every variable has a safe default for a local run; production refuses to start without its
 * secrets (see missingProductionSecrets). Secret values never appear in errors or warnings:
 * only variable names do.
 */
export interface PlatformConfig {
  clientId?: string;
  clientSecret?: string;
  /** Overrides of the real platform URLs (tests point these at local servers). */
  authUrl?: string;
  tokenUrl?: string;
  apiUrl?: string;
}

export interface TokenEncryptionKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface AppConfig extends EdgeSettings {
  port: number;
  dataDir: string;
  nodeEnv: string;
  isProduction: boolean;
  jwtSecret: string;
  /** True when JWT_SECRET was not set and the local default is in use. */
  jwtSecretIsDefault: boolean;
  /** JWT_MAX_LIFETIME_SECONDS: longest token lifetime accepted (exp - iat, or exp - now). */
  jwtMaxLifetimeSeconds: number;
  /** JWT_AUDIENCE: when set, a token's `aud` must include it. */
  jwtAudience?: string;
  /** JWT_ISSUER: when set, a token's `iss` must be it. */
  jwtIssuer?: string;
  /** Newest first; undefined when unset (a local run creates a key in DATA_DIR). */
  tokenEncryptionKeys?: TokenEncryptionKey[];
  publicBaseUrl: string;
  eventStoreConnectionString?: string;
  mongodbUri?: string;
  connectionAttemptsPerHour: number;
  /** Exact URLs the API may redirect to after OAuth; empty: never redirect. */
  oauthSuccessRedirectUrls: string[];
  platforms: Record<Platform, PlatformConfig>;
  /** How often the scheduled jobs tick (milliseconds). */
  jobs: {
    tokenRefreshEveryMs: number;
    healthCheckEveryMs: number;
    webhookEveryMs: number;
    publishEveryMs: number;
    /** AUDIT_CHECKPOINT_EVERY_MS: how often chain heads are signed. */
    auditCheckpointEveryMs: number;
  };
  /**
   * AUDIT_CHECKPOINT_GRACE_MS: how much later than the signing interval an event may still
   * lack a checkpoint before /audit/verify reports `missing-checkpoint`.
   */
  auditCheckpointGraceMs: number;
  /** Ed25519 PKCS8 (base64) that signs audit chain checkpoints; a local key is made when unset. */
  auditSigningKey?: string;
  /** Every outbound platform call: its deadline and the most of an answer it reads. */
  platformHttp: { timeoutMs: number; maxBodyBytes: number };
  /** Platform settings beyond URLs and credentials (TIKTOK_RESTRICTED_REGIONS, ...). */
  platformExtras: Record<string, string | undefined>;
  /**
   * This process runs the background work, the projections and the scheduled jobs (a local
   * run, or the worker); false when a separate worker does (LEDGER_RUN_WORKER_IN_API=false).
   */
  runsBackgroundWork: boolean;
  /**
   * WEBHOOK_ALLOW_PRIVATE_TARGETS: webhooks may reach loopback and private addresses (a
   * receiver on 127.0.0.1 in local development). Default false; refused in production.
   */
  webhookAllowPrivateTargets: boolean;
  /**
   * IDEMPOTENCY_LEASE_SECONDS: how long an in-flight Idempotency-Key claim lasts unless its
   * request renews it; what a retry waits at most after its process died on another machine.
   */
  idempotencyLeaseMs: number;
  /** Non-fatal notes for the operator (names of variables only, never values). */
  warnings: string[];
}

/** Injection token for the AppConfig value. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Known and public on purpose: only for local runs; production refuses to start with it. */
export const LOCAL_DEFAULT_JWT_SECRET = 'connection-ledger-local-development-secret';

/**
 * JWT_SECRET values published in this repository (docker-compose.yml's fallback, the local
 * default): anyone can mint tokens with them, so production refuses them whatever their length.
 */
export const PUBLISHED_JWT_SECRETS: readonly string[] = [
  LOCAL_DEFAULT_JWT_SECRET,
  'change-me-local-only',
];

/** A production JWT_SECRET must have at least this many bytes (HS256 key, RFC 7518 §3.2). */
export const MIN_PRODUCTION_JWT_SECRET_BYTES = 32;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadAppConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };

  const port = parseInteger(value('PORT'), 3000, 'PORT', 1, 65535, problems);
  const nodeEnv = value('NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';

  const jwtSecret = value('JWT_SECRET');
  if (!jwtSecret) {
    warnings.push(
      'JWT_SECRET is not set: using the local development secret (never in production)',
    );
  } else {
    problems.push(...(isProduction ? weakProductionJwtSecret(jwtSecret) : []));
    if (!isProduction && Buffer.byteLength(jwtSecret) < MIN_PRODUCTION_JWT_SECRET_BYTES) {
      warnings.push('JWT_SECRET is shorter than 32 bytes: production refuses it');
    }
  }

  const publicBaseUrl = parseUrl(
    value('PUBLIC_BASE_URL') ?? `http://localhost:${port}`,
    'PUBLIC_BASE_URL',
    problems,
  ).replace(/\/+$/, '');

  const platforms = {} as Record<Platform, PlatformConfig>;
  for (const platform of PLATFORMS) {
    const prefix = platform.toUpperCase();
    const url = (name: string): string | undefined => {
      const raw = value(`${prefix}_${name}`);
      return raw === undefined ? undefined : parseUrl(raw, `${prefix}_${name}`, problems);
    };
    platforms[platform] = {
      clientId: value(`${prefix}_CLIENT_ID`),
      clientSecret: value(`${prefix}_CLIENT_SECRET`),
      authUrl: url('AUTH_URL'),
      tokenUrl: url('TOKEN_URL'),
      apiUrl: url('API_URL'),
    };
  }

  const config: AppConfig = {
    port,
    dataDir: value('DATA_DIR') ?? './data',
    nodeEnv,
    isProduction,
    jwtSecret: jwtSecret ?? LOCAL_DEFAULT_JWT_SECRET,
    jwtSecretIsDefault: !jwtSecret,
    jwtMaxLifetimeSeconds: parseInteger(
      value('JWT_MAX_LIFETIME_SECONDS'),
      86_400,
      'JWT_MAX_LIFETIME_SECONDS',
      60,
      2_592_000,
      problems,
    ),
    jwtAudience: value('JWT_AUDIENCE'),
    jwtIssuer: value('JWT_ISSUER'),
    tokenEncryptionKeys: parseEncryptionKeys(value('TOKEN_ENCRYPTION_KEYS'), problems),
    publicBaseUrl,
    eventStoreConnectionString: value('EVENTSTORE_CONNECTION_STRING'),
    mongodbUri: value('MONGODB_URI'),
    connectionAttemptsPerHour: parseInteger(
      value('CONNECTION_ATTEMPTS_PER_HOUR'),
      10,
      'CONNECTION_ATTEMPTS_PER_HOUR',
      1,
      1_000_000,
      problems,
    ),
    oauthSuccessRedirectUrls: (value('OAUTH_SUCCESS_REDIRECT_URLS') ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0)
      .map((url) => parseUrl(url, 'OAUTH_SUCCESS_REDIRECT_URLS', problems)),
    platforms,
    runsBackgroundWork: value('LEDGER_RUN_WORKER_IN_API') !== 'false',
    webhookAllowPrivateTargets: parseBoolean(
      value('WEBHOOK_ALLOW_PRIVATE_TARGETS'),
      'WEBHOOK_ALLOW_PRIVATE_TARGETS',
      problems,
    ),
    idempotencyLeaseMs:
      parseInteger(
        value('IDEMPOTENCY_LEASE_SECONDS'),
        3,
        'IDEMPOTENCY_LEASE_SECONDS',
        1,
        3600,
        problems,
      ) * 1000,
    jobs: {
      tokenRefreshEveryMs:
        parseInteger(
          value('TOKEN_REFRESH_EVERY_SECONDS'),
          60,
          'TOKEN_REFRESH_EVERY_SECONDS',
          1,
          86_400,
          problems,
        ) * 1000,
      // Weekly by default; at most 24 days, the longest interval a timer can wait.
      healthCheckEveryMs:
        parseInteger(
          value('HEALTH_CHECK_EVERY_SECONDS'),
          604_800,
          'HEALTH_CHECK_EVERY_SECONDS',
          1,
          2_073_600,
          problems,
        ) * 1000,
      webhookEveryMs: parseInteger(
        value('WEBHOOK_EVERY_MS'),
        2000,
        'WEBHOOK_EVERY_MS',
        50,
        3_600_000,
        problems,
      ),
      publishEveryMs: parseInteger(
        value('PUBLISH_EVERY_MS'),
        10_000,
        'PUBLISH_EVERY_MS',
        100,
        3_600_000,
        problems,
      ),
      auditCheckpointEveryMs: parseInteger(
        value('AUDIT_CHECKPOINT_EVERY_MS'),
        60_000,
        'AUDIT_CHECKPOINT_EVERY_MS',
        100,
        3_600_000,
        problems,
      ),
    },
    auditCheckpointGraceMs: parseInteger(
      value('AUDIT_CHECKPOINT_GRACE_MS'),
      300_000,
      'AUDIT_CHECKPOINT_GRACE_MS',
      0,
      86_400_000,
      problems,
    ),
    auditSigningKey: value('AUDIT_SIGNING_KEY'),
    // Bounded both ways: no call may wait or read without limit, whatever is configured.
    platformHttp: {
      timeoutMs: parseInteger(
        value('PLATFORM_HTTP_TIMEOUT_MS'),
        10_000,
        'PLATFORM_HTTP_TIMEOUT_MS',
        100,
        120_000,
        problems,
      ),
      maxBodyBytes: parseInteger(
        value('PLATFORM_HTTP_MAX_BODY_BYTES'),
        1024 * 1024,
        'PLATFORM_HTTP_MAX_BODY_BYTES',
        1024,
        64 * 1024 * 1024,
        problems,
      ),
    },
    platformExtras: {
      TIKTOK_RESTRICTED_REGIONS: value('TIKTOK_RESTRICTED_REGIONS'),
      TIKTOK_BUSINESS_API_URL: value('TIKTOK_BUSINESS_API_URL'),
    },
    warnings,
    // HTTP edge (issue 10): DOCS_ENABLED, TRUST_PROXY.
    ...parseEdgeSettings(value, isProduction, problems),
  };
  if (!config.tokenEncryptionKeys) {
    warnings.push('TOKEN_ENCRYPTION_KEYS is not set: a local key is created in DATA_DIR');
  }
  if (isProduction && config.webhookAllowPrivateTargets) {
    // Private targets let a workspace admin make the service POST into its own network.
    problems.push('WEBHOOK_ALLOW_PRIVATE_TARGETS must not be true in production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Names of the secrets production needs but lacks (empty: good to start). main.ts refuses to
 * start when NODE_ENV=production and this is not empty.
 */
export function missingProductionSecrets(config: AppConfig): string[] {
  const missing: string[] = [];
  if (config.jwtSecretIsDefault || config.jwtSecret === LOCAL_DEFAULT_JWT_SECRET) {
    missing.push('JWT_SECRET');
  }
  if (!config.tokenEncryptionKeys) missing.push('TOKEN_ENCRYPTION_KEYS');
  if (!config.auditSigningKey) missing.push('AUDIT_SIGNING_KEY');
  for (const platform of PLATFORMS) {
    const prefix = platform.toUpperCase();
    if (!config.platforms[platform].clientId) missing.push(`${prefix}_CLIENT_ID`);
    if (!config.platforms[platform].clientSecret) missing.push(`${prefix}_CLIENT_SECRET`);
  }
  return missing;
}

/** Why production refuses this JWT_SECRET (never the value itself); empty: it is fine. */
function weakProductionJwtSecret(secret: string): string[] {
  if (PUBLISHED_JWT_SECRETS.includes(secret) || /change[-_ ]?me/i.test(secret)) {
    return ['JWT_SECRET is a published placeholder: production needs a random secret'];
  }
  if (Buffer.byteLength(secret) < MIN_PRODUCTION_JWT_SECRET_BYTES) {
    return [`JWT_SECRET must be at least ${MIN_PRODUCTION_JWT_SECRET_BYTES} bytes in production`];
  }
  return [];
}

/** Exact match against the allow-list, after URL normalisation: never an open redirect. */
export function isAllowedRedirectUrl(config: AppConfig, candidate: string): boolean {
  let normalised: string;
  try {
    normalised = new URL(candidate).href;
  } catch {
    return false;
  }
  // The API's own admin console may always be returned to: same origin, never open.
  return (
    config.oauthSuccessRedirectUrls.includes(normalised) || normalised === consoleReturnUrl(config)
  );
}

/** Where the console (served at /console) asks the OAuth callback to send the browser back. */
export function consoleReturnUrl(config: Pick<AppConfig, 'publicBaseUrl'>): string {
  return new URL('/console/', config.publicBaseUrl).href;
}

function parseInteger(
  raw: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be an integer between ${min} and ${max}`);
    return fallback;
  }
  return parsed;
}

function parseBoolean(raw: string | undefined, name: string, problems: string[]): boolean {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  problems.push(`${name} must be true or false`);
  return false;
}

function parseUrl(raw: string, name: string, problems: string[]): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.href;
  } catch {
    // The value itself is not echoed: a URL may carry credentials.
    problems.push(`${name} must be an absolute http(s) URL`);
    return raw;
  }
}

/** `id:base64key` pairs, comma-separated, newest first; each key exactly 32 bytes. */
function parseEncryptionKeys(
  raw: string | undefined,
  problems: string[],
): TokenEncryptionKey[] | undefined {
  if (raw === undefined) return undefined;
  const keys: TokenEncryptionKey[] = [];
  const seen = new Set<string>();
  raw.split(',').forEach((pair, index) => {
    const separator = pair.indexOf(':');
    const id = pair.slice(0, separator).trim();
    const encoded = pair.slice(separator + 1).trim();
    const key = Buffer.from(encoded, 'base64');
    if (separator <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS entry ${index + 1} must be id:base64key`);
    } else if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key "${id}" must be 32 bytes in base64`);
    } else if (seen.has(id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key id "${id}" appears twice`);
    } else {
      seen.add(id);
      keys.push({ id, key });
    }
  });
  return keys;
}
