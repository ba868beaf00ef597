export * from './linkedin-platform';
export * from './linkedin-identity-client';
