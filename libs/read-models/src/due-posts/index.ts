export * from './due-posts.port';
export * from './due-posts.projection';
export * from './sqlite-due-posts.store';
export * from './mongo-due-posts.store';
export * from './open-due-posts-store';
