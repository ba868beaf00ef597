export * from './tiktok-platform';
export * from './tiktok-identity-client';
