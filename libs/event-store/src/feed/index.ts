/** Following the ordered feed: one catch-up, never-backwards checkpoints (docs/decisions/0020). */
export * from './positions';
export * from './catch-up-feed';
export * from './sqlite-checkpoints';
export * from './mongo-checkpoints';
