/** Nest injection tokens for the ports; the storage module binds each to an adapter. */
export const EVENT_STORE = Symbol('EventStore');
export const WORKSPACE_READ_MODEL = Symbol('WorkspaceReadModel');
export const TOKEN_VAULT = Symbol('TokenVault');
export const CLOCK = Symbol('Clock');
export const MONGO_CONNECTION = Symbol('MongoConnection');
export const PENDING_SELECTIONS = Symbol('PendingSelectionStore');
export const KEY_RING = Symbol('KeyRing');
export const LEASE_STORE = Symbol('LeaseStore');
