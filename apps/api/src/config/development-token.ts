import { sign } from 'jsonwebtoken';
import type { AppConfig } from '@ledger/runtime';

/**
 * A token for trying the API locally, signed with the local development secret only: it is
 * printed when JWT_SECRET is unset outside production, where such a token proves nothing.
 * It carries what the guard requires: exp within JWT_MAX_LIFETIME_SECONDS (12 h at most),
 * and aud/iss when they are configured.
 */
export function developmentToken(config: AppConfig): string {
  return sign({ workspaces: { demo: 'owner' } }, config.jwtSecret, {
    algorithm: 'HS256',
    subject: 'developer',
    expiresIn: Math.min(12 * 3600, config.jwtMaxLifetimeSeconds),
    ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
    ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
  });
}
