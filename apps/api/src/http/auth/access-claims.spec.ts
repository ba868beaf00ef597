import { sign } from 'jsonwebtoken';
import { InvalidTokenError, verifyAccessToken, type AccessTokenPolicy } from './access-claims';

const policy: AccessTokenPolicy = {
  jwtSecret: 'access-claims-spec-secret-0123456789abcdef',
  jwtMaxLifetimeSeconds: 3600,
  jwtAudience: undefined,
  jwtIssuer: undefined,
};
const issuedAt = new Date('2026-03-01T10:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function token(claims: Record<string, unknown>, secret = policy.jwtSecret): string {
  return sign(
    { sub: 'user-1', workspaces: { ws: 'owner' }, iat: seconds(issuedAt), ...claims },
    secret,
    { algorithm: 'HS256' },
  );
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.message;
    throw error;
  }
  throw new Error('the token was accepted');
}

// The signature of a token is checked once (docs/decisions/0021): what depends on the clock
// must still refuse a token that was accepted a moment before.
describe('verifyAccessToken, for a token it accepted before', () => {
  it('refuses it once it has expired', () => {
    const expiring = token({ exp: seconds(issuedAt) + 60 });
    expect(verifyAccessToken(expiring, policy, issuedAt).userId).toBe('user-1');
    const later = new Date(issuedAt.getTime() + 61_000);
    expect(refusal(() => verifyAccessToken(expiring, policy, later))).toBe('The token has expired');
  });

  it('refuses it before its not-before instant', () => {
    const notYet = token({ nbf: seconds(issuedAt) + 30, exp: seconds(issuedAt) + 600 });
    const inAMinute = new Date(issuedAt.getTime() + 60_000);
    expect(verifyAccessToken(notYet, policy, inAMinute).userId).toBe('user-1');
    expect(refusal(() => verifyAccessToken(notYet, policy, issuedAt))).toBe(
      'The token is not valid',
    );
  });

  it('refuses it under another secret, and the same claims signed with another secret', () => {
    const claims = { exp: seconds(issuedAt) + 600 };
    const good = token(claims);
    expect(verifyAccessToken(good, policy, issuedAt).userId).toBe('user-1');
    const rotated = { ...policy, jwtSecret: 'another-secret-0123456789abcdef-0123456789' };
    expect(refusal(() => verifyAccessToken(good, rotated, issuedAt))).toBe(
      'The token is not valid',
    );
    const forged = token(claims, 'attacker-secret-0123456789abcdef-012345678');
    expect(refusal(() => verifyAccessToken(forged, policy, issuedAt))).toBe(
      'The token is not valid',
    );
  });
});
