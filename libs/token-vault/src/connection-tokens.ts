import { TokenVaultError } from './errors';

/** The OAuth tokens of one connection: what the vault seals. */
export interface ConnectionTokens {
  accessToken: string;
  refreshToken: string | null;
  tokenType?: string;
  scopes: string[];
  /** ISO 8601 instants; null when the platform gives no expiry. */
  expiresAt: string | null;
  refreshExpiresAt: string | null;
}

export const REDACTED = '[REDACTED]';

/**
 * A copy safe to log: token values replaced, scopes and expiries kept, and any property
 * outside ConnectionTokens (an id token in a raw OAuth response, say) dropped.
 */
export function redactTokens(tokens: ConnectionTokens): ConnectionTokens {
  return {
    accessToken: REDACTED,
    refreshToken: tokens.refreshToken == null ? null : REDACTED,
    ...(tokens.tokenType !== undefined ? { tokenType: tokens.tokenType } : {}),
    scopes: Array.isArray(tokens.scopes) ? [...tokens.scopes] : [],
    expiresAt: tokens.expiresAt ?? null,
    refreshExpiresAt: tokens.refreshExpiresAt ?? null,
  };
}

/**
 * Checks the shape and keeps only the known fields, so a stray property (a whole OAuth
 * response, say) is never sealed by accident. Errors name the field, never its value.
 */
export function normalizeTokens(tokens: ConnectionTokens): ConnectionTokens {
  const fail = (field: string, expected: string): never => {
    throw new TokenVaultError('INVALID_TOKENS', `tokens${field} must be ${expected}`, { field });
  };
  if (typeof tokens !== 'object' || tokens === null) fail('', 'an object');
  if (typeof tokens.accessToken !== 'string' || tokens.accessToken === '') {
    fail('.accessToken', 'a non-empty string');
  }
  if (
    tokens.refreshToken !== null &&
    (typeof tokens.refreshToken !== 'string' || tokens.refreshToken === '')
  ) {
    fail('.refreshToken', 'a non-empty string or null');
  }
  if (tokens.tokenType !== undefined && typeof tokens.tokenType !== 'string') {
    fail('.tokenType', 'a string when given');
  }
  if (!Array.isArray(tokens.scopes) || tokens.scopes.some((s) => typeof s !== 'string')) {
    fail('.scopes', 'an array of strings');
  }
  for (const field of ['expiresAt', 'refreshExpiresAt'] as const) {
    const value = tokens[field];
    if (value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      fail(`.${field}`, 'an ISO 8601 instant or null');
    }
  }
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    ...(tokens.tokenType !== undefined ? { tokenType: tokens.tokenType } : {}),
    scopes: [...tokens.scopes],
    expiresAt: tokens.expiresAt,
    refreshExpiresAt: tokens.refreshExpiresAt,
  };
}

export function serializeTokens(tokens: ConnectionTokens): Buffer {
  return Buffer.from(JSON.stringify(normalizeTokens(tokens)), 'utf8');
}

/** Only ever called on authenticated plaintext, so a bad shape means a bug, not an attack. */
export function deserializeTokens(plaintext: Buffer): ConnectionTokens {
  try {
    return normalizeTokens(JSON.parse(plaintext.toString('utf8')) as ConnectionTokens);
  } catch {
    throw new TokenVaultError('INVALID_TOKENS', 'sealed tokens decrypted to an unexpected shape');
  }
}
