export * from './token-revoker';
export * from '../x/x-revoke';
export * from '../tiktok/tiktok-revoke';
export * from '../facebook/facebook-revoke';
export * from './unused-tokens';
