export * from './post-publisher';
export * from './graph-publish';
export * from './text-only-reasons';
export * from '../x/x-publish';
export * from '../facebook/facebook-publish';
export * from '../threads/threads-publish';
export * from '../linkedin/linkedin-publish';
