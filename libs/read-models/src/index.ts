export * from './connections-read-model.port';
export * from './connections/connections.projection';
export { comparePositions, isAtOrAfter } from '@ledger/event-store/feed';
export * from './wait-for-checkpoint';
export * from './projection-runner';
export * from './sqlite/sqlite-connections-read-model';
export * from './mongo/mongo-connections-read-model';
export * from './open-connections-read-model';
