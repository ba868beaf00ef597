export * from './connection-attempt-log.port';
export * from './connection-attempt-limiter';
export * from './connection-attempts.providers';
export * from './mongo-connection-attempt-log';
export * from './sqlite-connection-attempt-log';
