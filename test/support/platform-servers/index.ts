export * from './x-oauth-server';
export * from './x-api-server';
export * from './browser-consent';
