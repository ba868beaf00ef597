/**
 * Thrown when a caller is over a rate limit (ARCHITECTURE.md: connection attempts per user and
 * workspace per hour). Rendered as 429 RATE_LIMIT_EXCEEDED with a `Retry-After` header.
 */
export class RateLimitExceededError extends Error {
  readonly retryAfterSeconds: number;

  constructor(
    retryAfterSeconds: number,
    /** Safe details for the body, e.g. `{limit: 10, window: 'PT1H'}`. */
    readonly details: Record<string, unknown> = {},
    message = 'Too many attempts; retry later',
  ) {
    super(message);
    this.name = 'RateLimitExceededError';
    // Retry-After is whole seconds, and 0 would invite an immediate retry that fails again.
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
