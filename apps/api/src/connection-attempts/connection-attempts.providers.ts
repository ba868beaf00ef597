import type { Provider } from '@nestjs/common';
import type { Clock } from '@ledger/commands';
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig, CLOCK, MONGO_CONNECTION } from '@ledger/runtime';
import { ConnectionAttemptLimiter } from './connection-attempt-limiter';
import { CONNECTION_ATTEMPT_LOG, type ConnectionAttemptLog } from './connection-attempt-log.port';
import { MongoConnectionAttemptLog } from './mongo-connection-attempt-log';
import { SqliteConnectionAttemptLog } from './sqlite-connection-attempt-log';

/**
 * Nest bindings for the connection-attempt limiter. How to wire it:
 *
 *   // app module (or StorageModule, whose CLOCK and MONGO_CONNECTION it needs)
 *   providers: [...connectionAttemptProviders()]
 *
 *   // OAuth start (connect and reconnect) and copy routes, before building the authorize URL:
 *   constructor(private readonly attempts: ConnectionAttemptLimiter) {}
 *   await this.attempts.check(actor, ws); // throws RateLimitExceededError -> 429 + Retry-After
 *
 * The log is `DATA_DIR/connection-attempts.sqlite` (closed on application shutdown), or, when
 * MONGODB_URI is set, the `connection_attempts` collection on the shared mongoose Connection
 * (MONGO_CONNECTION, which StorageModule closes), so every API process shares one window. The
 * limit is CONNECTION_ATTEMPTS_PER_HOUR (AppConfig.connectionAttemptsPerHour) and time comes
 * from the injected CLOCK. Check only after authentication and the role check, so a caller
 * without access cannot use up a member's attempts.
 */
export function connectionAttemptProviders(): Provider[] {
  return [
    {
      provide: CONNECTION_ATTEMPT_LOG,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (
        config: AppConfig,
        mongo: Connection | null,
      ): Promise<ConnectionAttemptLog> => {
        return mongo
          ? MongoConnectionAttemptLog.open({ mongo })
          : SqliteConnectionAttemptLog.inDataDir(config.dataDir);
      },
    },
    {
      provide: ConnectionAttemptLimiter,
      inject: [CONNECTION_ATTEMPT_LOG, APP_CONFIG, CLOCK],
      useFactory: (log: ConnectionAttemptLog, config: AppConfig, clock: Clock) =>
        new ConnectionAttemptLimiter(log, config.connectionAttemptsPerHour, clock),
    },
  ];
}
