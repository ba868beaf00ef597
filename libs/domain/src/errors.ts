/**
 * The refusals a command can meet, with the stable codes API consumers rely on
 * (ARCHITECTURE.md, "Errors"). The HTTP edge maps each code to its status.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_CONNECTED'
  | 'NO_MAIN_ACCOUNT'
  | 'POST_TOO_LONG'
  | 'MEDIA_REQUIRED'
  | 'LINKED_ACCOUNT_REQUIRED'
  | 'PLAN_LIMIT_REACHED'
  | 'ALREADY_CONNECTED_ELSEWHERE'
  | 'CONNECTION_EXPIRED'
  | 'PRECONDITION_FAILED'
  | 'RECONNECT_ACCOUNT_MISMATCH'
  | 'COPY_ACCOUNT_MISMATCH'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_TYPE_NOT_SUPPORTED'
  | 'INVALID_STATE_TRANSITION';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Safe, user-facing details (never secrets), e.g. plan, limit, platform. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
