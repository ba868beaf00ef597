export * from './errors';
export * from './platform-config';
export * from './platform-definition';
export * from './platform';
export * from './configured-platforms';
export * from './oauth/pending-authorization';
export * from './oauth/sqlite-pending-authorization-store';
export * from './oauth/mongo-pending-authorization-store';
export * from './oauth/oauth-flows';
export * from './oauth/browser-binding';
export * from './x/x-platform';
export * from './x/x-identity-client';
export * from './facebook/facebook-platform';
export * from './instagram/instagram-platform';
export * from './threads/threads-platform';
export * from './tiktok';
export * from './linkedin';
export * from './refresh';
export * from './revoke';
export * from './health';
export {
  configurePlatformHttp,
  DEFAULT_PLATFORM_HTTP_LIMITS,
  platformHttpLimits,
  type PlatformHttpLimits,
} from './http';
