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
    });
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
    });
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

  it('treats the published local secret as missing', () => {
    const env = { ...productionEnv(), JWT_SECRET: LOCAL_DEFAULT_JWT_SECRET };
    expect(missingProductionSecrets(loadAppConfig(env))).toEqual(['JWT_SECRET']);
  });

  it('no config value or warning contains a secret', () => {
    const env = productionEnv();
    env.JWT_SECRET = 'short-secret';
    const config = loadAppConfig(env);
    expect(config.warnings.join('\n')).toMatch(/JWT_SECRET is shorter/);
    expect(config.warnings.join('\n')).not.toContain('short-secret');
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
