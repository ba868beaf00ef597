import { sign } from 'jsonwebtoken';
import type { AppConfig } from './app-config';

/**
 * A token for trying the API locally, signed with the local development secret only: it is
 * printed when JWT_SECRET is unset outside production, where such a token proves nothing.
 */
export function developmentToken(config: AppConfig): string {
  return sign({ workspaces: { demo: 'owner' } }, config.jwtSecret, {
    algorithm: 'HS256',
    subject: 'developer',
    expiresIn: '12h',
  });
}
