export * from './clock';
export * from './command-context';
export * from './workspace-commands';
export * from './account-claims';
export * from './connect-with-claim';
export * from './command-handler';
