export * from './audit.port';
export * from './audit.projection';
export * from './sqlite-audit.store';
export * from './mongo-audit.store';
export * from './open-audit-store';
