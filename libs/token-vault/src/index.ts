export * from './connection-tokens';
export * from './errors';
export * from './key-ring';
export * from './local-key-ring';
export * from './sealed-token-store.port';
export * from './token-cipher';
export * from './token-vault';
export { SqliteSealedTokenStore } from './sqlite/sqlite-sealed-token-store';
export { MongoSealedTokenStore } from './mongo/mongo-sealed-token-store';
