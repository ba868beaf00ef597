import { verifyAccessToken } from '../http/auth/access-claims';
import { loadAppConfig } from '@ledger/runtime';
import { developmentToken } from './development-token';

describe('the development token printed by a local start', () => {
  it.each([
    ['the defaults', {}],
    [
      'a short maximum lifetime, an audience and an issuer',
      { JWT_MAX_LIFETIME_SECONDS: '600', JWT_AUDIENCE: 'ledger', JWT_ISSUER: 'https://idp.local/' },
    ],
  ])('passes the guard’s checks with %s', (_what, env) => {
    const config = loadAppConfig(env);
    expect(verifyAccessToken(developmentToken(config), config)).toEqual({
      userId: 'developer',
      workspaces: { demo: 'owner' },
    });
  });
});
