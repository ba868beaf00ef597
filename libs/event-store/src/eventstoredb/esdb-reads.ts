import { EventStoreUnavailableError } from '../event-store.port';

/** What the adapter needs from the client's ReadStream: its items and a way to end the call. */
export interface CancellableRead<T> extends AsyncIterable<T> {
  cancel(): Promise<void>;
}

/**
 * A gRPC read that ends its call whatever way the caller leaves it, and that gives up when
 * the server goes quiet.
 *
 * Leaving a `for await` over the client's ReadStream only destroys the wrapper: the gRPC call
 * (sent with deadline Infinity, whatever deadline the caller passes) stays open on the HTTP/2
 * connection, and at the server's 100 concurrent streams every later call on it waits for ever.
 * So the call is cancelled in `finally` unless the server already ended it, and a wait of more
 * than `timeoutMs` for the server's next answer cancels it and throws
 * EventStoreUnavailableError (a retryable failure) instead of hanging.
 */
export async function* boundedRead<T>(
  read: CancellableRead<T>,
  timeoutMs: number,
  what: string,
): AsyncGenerator<T> {
  const iterator = read[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      const next = await withinTimeout(iterator.next(), timeoutMs, what);
      if (next.done) {
        ended = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!ended) {
      await read.cancel().catch(() => undefined);
      // Ends the wrapper too; a read still pending in it settles with nobody waiting.
      void iterator.return?.().catch(() => undefined);
    }
  }
}

function withinTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EventStoreUnavailableError(
            `EventStoreDB unavailable: ${what} had no answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  promise.catch(() => undefined); // settles after a timeout with nobody listening
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
