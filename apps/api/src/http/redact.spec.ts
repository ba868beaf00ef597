import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

  it.each([
    [`Authorization: Bearer ${jwt}`, jwt],
    ['authorization: bearer ya29.opaque-token_value', 'ya29.opaque-token_value'],
    ['GET /me?fields=id&access_token=EAAB1234secret&x=1', 'EAAB1234secret'],
    ['grant_type=refresh_token&refresh_token=rt-secret&client_secret=cs-secret', 'rt-secret'],
    ['grant_type=refresh_token&refresh_token=rt-secret&client_secret=cs-secret', 'cs-secret'],
    ['{"access_token": "at-secret", "expires_in": 3600}', 'at-secret'],
    ['{"refresh_token":"r\\"t-secret"}', 't-secret'],
    [`token leaked: ${jwt}`, jwt],
    ['Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
  ])('removes the secret from %j', (text, secret) => {
    expect(redactSecrets(text)).not.toContain(secret);
    expect(redactSecrets(text)).toMatch(/REDACTED/);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Connection c-1 of workspace w-1 failed: 503 from graph.facebook.com';
    expect(redactSecrets(text)).toBe(text);
  });
});
