export * from './verify-stream';
export * from './signing-key';
export * from './checkpoint-store';
export * from './chain-checkpoints';
export * from './verify-workspace';
export * from './checkpoint-chain';
