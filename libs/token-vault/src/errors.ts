/**
 * Everything the vault refuses or cannot do. Messages and details name ids (workspace,
 * connection, key id, entry position) and never token or key material, so they are safe to
 * log and to return to an operator.
 */
export type TokenVaultErrorCode =
  | 'KEY_RING_INVALID'
  | 'UNKNOWN_KEY_ID'
  | 'TOKEN_DECRYPTION_FAILED'
  | 'INVALID_TOKENS'
  | 'REENCRYPTION_INCOMPLETE';

export class TokenVaultError extends Error {
  constructor(
    readonly code: TokenVaultErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'TokenVaultError';
  }
}
