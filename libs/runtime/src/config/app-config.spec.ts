import {
  ConfigError,
  LOCAL_DEFAULT_JWT_SECRET,
  isAllowedRedirectUrl,
  loadAppConfig,
  missingProductionSecrets,
} from './app-config';

const KEY = Buffer.alloc(32, 7).toString('base64');

function productionEnv(): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-very-long-production-secret-0123456789',
    TOKEN_ENCRYPTION_KEYS: `k2:${KEY}`,
    AUDIT_SIGNING_KEY: 'base64-pkcs8-ed25519-key',
  };
  for (const p of ['FACEBOOK', 'INSTAGRAM', 'X', 'TIKTOK', 'LINKEDIN', 'THREADS']) {
    env[`${p}_CLIENT_ID`] = `${p.toLowerCase()}-id`;
    env[`${p}_CLIENT_SECRET`] = `${p.toLowerCase()}-secret-value`;
  }
  return env;
}

describe('loadAppConfig', () => {
  it('gives safe local defaults for an empty environment, with warnings naming variables', () => {
    const config = loadAppConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      nodeEnv: 'development',
      isProduction: false,
      jwtSecret: LOCAL_DEFAULT_JWT_SECRET,
      jwtSecretIsDefault: true,
      tokenEncryptionKeys: undefined,
      publicBaseUrl: 'http://localhost:3000',
      eventStoreConnectionString: undefined,
      mongodbUri: undefined,
      connectionAttemptsPerHour: 10,
      oauthSuccessRedirectUrls: [],
      auditCheckpointGraceMs: 300_000,
      platformHttp: { timeoutMs: 10_000, maxBodyBytes: 1_048_576 },
    });
    expect(config.jobs.auditCheckpointEveryMs).toBe(60_000);
    expect(config.jwtMaxLifetimeSeconds).toBe(86_400);
    expect(config.jwtAudience).toBeUndefined();
    expect(config.jwtIssuer).toBeUndefined();
    expect(config.warnings.join('\n')).toMatch(/JWT_SECRET/);
    expect(config.warnings.join('\n')).toMatch(/TOKEN_ENCRYPTION_KEYS/);
    expect(config.platforms.facebook).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      authUrl: undefined,
      tokenUrl: undefined,
      apiUrl: undefined,
    });
  });

  it('reads every variable', () => {
    const config = loadAppConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/ledger',
      JWT_SECRET: 'x'.repeat(40),
      TOKEN_ENCRYPTION_KEYS: `new:${KEY}, old:${Buffer.alloc(32, 1).toString('base64')}`,
      PUBLIC_BASE_URL: 'https://api.example.com/',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      MONGODB_URI: 'mongodb://localhost:27017/ledger',
      CONNECTION_ATTEMPTS_PER_HOUR: '25',
      OAUTH_SUCCESS_REDIRECT_URLS:
        'https://app.example.com/integrations, https://x.example.com/done',
      X_CLIENT_ID: 'xid',
      X_CLIENT_SECRET: 'xsecret',
      X_TOKEN_URL: 'http://127.0.0.1:9999/oauth2/token',
      AUDIT_CHECKPOINT_EVERY_MS: '1000',
      AUDIT_CHECKPOINT_GRACE_MS: '0',
      JWT_MAX_LIFETIME_SECONDS: '3600',
      JWT_AUDIENCE: 'connection-ledger',
      JWT_ISSUER: 'https://idp.example.com/',
      PLATFORM_HTTP_TIMEOUT_MS: '2500',
      PLATFORM_HTTP_MAX_BODY_BYTES: '65536',
    });
    expect(config.jwtMaxLifetimeSeconds).toBe(3600);
    expect(config.jwtAudience).toBe('connection-ledger');
    expect(config.jwtIssuer).toBe('https://idp.example.com/');
    expect(config.jobs.auditCheckpointEveryMs).toBe(1000);
    expect(config.auditCheckpointGraceMs).toBe(0);
    expect(config.platformHttp).toEqual({ timeoutMs: 2500, maxBodyBytes: 65536 });
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/var/lib/ledger');
    expect(config.jwtSecretIsDefault).toBe(false);
    expect(config.tokenEncryptionKeys?.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.tokenEncryptionKeys?.[0].key.length).toBe(32);
    expect(config.publicBaseUrl).toBe('https://api.example.com');
    expect(config.eventStoreConnectionString).toBe('esdb://localhost:2113?tls=false');
    expect(config.mongodbUri).toBe('mongodb://localhost:27017/ledger');
    expect(config.connectionAttemptsPerHour).toBe(25);
    expect(config.oauthSuccessRedirectUrls).toEqual([
      'https://app.example.com/integrations',
      'https://x.example.com/done',
    ]);
    expect(config.platforms.x).toMatchObject({
      clientId: 'xid',
      clientSecret: 'xsecret',
      tokenUrl: 'http://127.0.0.1:9999/oauth2/token',
    });
    expect(config.warnings).toEqual([]);
  });

  it('reads IDEMPOTENCY_LEASE_SECONDS (default 3 s) and refuses values outside 1 to 3600', () => {
    expect(loadAppConfig({}).idempotencyLeaseMs).toBe(3000);
    expect(loadAppConfig({ IDEMPOTENCY_LEASE_SECONDS: '300' }).idempotencyLeaseMs).toBe(300_000);
    for (const bad of ['0', '3601', 'soon', '1.5']) {
      expect(() => loadAppConfig({ IDEMPOTENCY_LEASE_SECONDS: bad })).toThrow(
        /IDEMPOTENCY_LEASE_SECONDS/,
      );
    }
  });

  it('defaults PUBLIC_BASE_URL to the configured port', () => {
    expect(loadAppConfig({ PORT: '4100' }).publicBaseUrl).toBe('http://localhost:4100');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['CONNECTION_ATTEMPTS_PER_HOUR', '0'],
    ['CONNECTION_ATTEMPTS_PER_HOUR', '1.5'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['OAUTH_SUCCESS_REDIRECT_URLS', 'javascript:alert(1)'],
    ['FACEBOOK_AUTH_URL', 'ftp://example.com'],
    ['AUDIT_CHECKPOINT_EVERY_MS', '50'],
    ['AUDIT_CHECKPOINT_GRACE_MS', '-1'],
    ['JWT_MAX_LIFETIME_SECONDS', '0'],
    ['JWT_MAX_LIFETIME_SECONDS', '99999999'],
    ['PLATFORM_HTTP_TIMEOUT_MS', '0'],
    ['PLATFORM_HTTP_TIMEOUT_MS', '600000'],
    ['PLATFORM_HTTP_MAX_BODY_BYTES', '10'],
    ['PLATFORM_HTTP_MAX_BODY_BYTES', '1073741824'],
  ])('refuses %s=%s, naming the variable', (name, raw) => {
    expect(() => loadAppConfig({ [name]: raw })).toThrow(ConfigError);
    expect(() => loadAppConfig({ [name]: raw })).toThrow(name);
  });

  it('refuses malformed encryption keys without echoing the key material', () => {
    const short = Buffer.alloc(16, 9).toString('base64');
    let error: unknown;
    try {
      loadAppConfig({ TOKEN_ENCRYPTION_KEYS: `k1:${short},nocolon,k1:${KEY},k1:${KEY}` });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/"k1" must be 32 bytes/);
    expect(message).toMatch(/entry 2 must be id:base64key/);
    expect(message).toMatch(/"k1" appears twice/);
    expect(message).not.toContain(short);
    expect(message).not.toContain(KEY);
  });

  it('never puts a URL with credentials into an error', () => {
    expect(() => loadAppConfig({ PUBLIC_BASE_URL: 'mongodb://user:hunter2@db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('missingProductionSecrets', () => {
  it('is empty when production has every secret', () => {
    const config = loadAppConfig(productionEnv());
    expect(config.isProduction).toBe(true);
    expect(missingProductionSecrets(config)).toEqual([]);
  });

  it('names each missing secret, never their values', () => {
    const env = productionEnv();
    delete env.JWT_SECRET;
    delete env.TOKEN_ENCRYPTION_KEYS;
    delete env.TIKTOK_CLIENT_SECRET;
    delete env.AUDIT_SIGNING_KEY;
    const missing = missingProductionSecrets(loadAppConfig(env));
    expect(missing).toEqual([
      'JWT_SECRET',
      'TOKEN_ENCRYPTION_KEYS',
      'AUDIT_SIGNING_KEY',
      'TIKTOK_CLIENT_SECRET',
    ]);
  });

  it.each([
    ['the local default', LOCAL_DEFAULT_JWT_SECRET, /published placeholder/],
    ["docker-compose.yml's fallback", 'change-me-local-only', /published placeholder/],
    ['a long placeholder', 'CHANGE_ME-to-a-random-value-of-at-least-32-bytes', /placeholder/],
    ['5 characters', 'abcde', /at least 32 bytes in production/],
    ['31 bytes', 'x'.repeat(31), /at least 32 bytes in production/],
  ])('refuses %s as a production JWT_SECRET, never echoing it', (_what, secret, reason) => {
    const env = { ...productionEnv(), JWT_SECRET: secret };
    let error: unknown;
    try {
      loadAppConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain(secret);
  });

  it('accepts 32 bytes of a random secret in production; only warns about short ones elsewhere', () => {
    const secret = Buffer.alloc(24, 3).toString('base64'); // 32 characters
    expect(loadAppConfig({ ...productionEnv(), JWT_SECRET: secret }).jwtSecret).toBe(secret);
    const local = loadAppConfig({ JWT_SECRET: 'short-secret' });
    expect(local.warnings.join('\n')).toMatch(/JWT_SECRET is shorter than 32 bytes/);
    expect(local.warnings.join('\n')).not.toContain('short-secret');
  });
});

describe('isAllowedRedirectUrl', () => {
  const config = loadAppConfig({
    OAUTH_SUCCESS_REDIRECT_URLS: 'https://app.example.com/integrations',
  });

  it('allows exactly the configured URLs', () => {
    expect(isAllowedRedirectUrl(config, 'https://app.example.com/integrations')).toBe(true);
  });

  it.each([
    'https://app.example.com/integrations/../admin',
    'https://app.example.com.evil.com/integrations',
    'https://evil.com/?next=https://app.example.com/integrations',
    'https://app.example.com/integrations?x=1',
    '//app.example.com/integrations',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedRedirectUrl(config, url)).toBe(false);
  });

  it('allows the API’s own console at PUBLIC_BASE_URL/console/, and nothing beside it', () => {
    const own = loadAppConfig({ PUBLIC_BASE_URL: 'https://ledger.example.com' });
    expect(isAllowedRedirectUrl(own, 'https://ledger.example.com/console/')).toBe(true);
    expect(isAllowedRedirectUrl(own, 'https://ledger.example.com/console/../docs')).toBe(false);
    expect(isAllowedRedirectUrl(own, 'https://ledger.example.com/console/?x=1')).toBe(false);
    expect(isAllowedRedirectUrl(own, 'https://evil.example.com/console/')).toBe(false);
  });

  it('refuses everything else when the list is empty', () => {
    expect(isAllowedRedirectUrl(loadAppConfig({}), 'http://localhost:3000/')).toBe(false);
  });
});

describe('WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
  it('is off unless set to true, and refuses anything but true or false', () => {
    expect(loadAppConfig({}).webhookAllowPrivateTargets).toBe(false);
    expect(
      loadAppConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhookAllowPrivateTargets,
    ).toBe(true);
    expect(() => loadAppConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false/,
    );
  });

  it('refuses to start production with private webhook targets allowed', () => {
    expect(loadAppConfig(productionEnv()).webhookAllowPrivateTargets).toBe(false);
    expect(() =>
      loadAppConfig({ ...productionEnv(), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }),
    ).toThrow(ConfigError);
  });
});

describe('HTTP edge settings (DOCS_ENABLED, TRUST_PROXY)', () => {
  it('serves the docs outside production and not in it, unless DOCS_ENABLED says otherwise', () => {
    expect(loadAppConfig({}).docsEnabled).toBe(true);
    expect(loadAppConfig(productionEnv()).docsEnabled).toBe(false);
    expect(loadAppConfig({ ...productionEnv(), DOCS_ENABLED: 'true' }).docsEnabled).toBe(true);
    expect(loadAppConfig({ DOCS_ENABLED: 'false' }).docsEnabled).toBe(false);
    expect(() => loadAppConfig({ DOCS_ENABLED: 'yes' })).toThrow(
      /DOCS_ENABLED must be true or false/,
    );
  });

  it('trusts no proxy by default, and takes hop counts or proxy addresses and CIDRs', () => {
    expect(loadAppConfig({}).trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(
      loadAppConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::/32,192.0.2.1' }).trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8', '2001:db8::/32', '192.0.2.1']);
  });

  it('refuses `true` (the client would choose its own IP), zero hops and malformed addresses', () => {
    for (const raw of [
      'true',
      '0',
      '11',
      '10.0.0.0/33',
      '300.1.1.1',
      'proxy.example.com',
      '10.0.0.1/8/1',
    ]) {
      expect(() => loadAppConfig({ TRUST_PROXY: raw })).toThrow(
        /TRUST_PROXY must be false, a hop count/,
      );
    }
  });
});
