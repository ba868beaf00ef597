/**
 * A subscription that stops on an error nobody listens for must still say so: a projection
 * silently frozen is worse than a warning in the log.
 */
export function reportSubscriptionError(
  error: unknown,
  onError: ((error: unknown) => void) | undefined,
): void {
  if (onError) {
    onError(error);
    return;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(
    `Event store subscription stopped: ${detail}`,
    'EventStoreSubscriptionWarning',
  );
}
