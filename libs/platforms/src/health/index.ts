export * from './health-probe';
export * from './facebook-page-health-probe';
export * from './identity-health-probe';
