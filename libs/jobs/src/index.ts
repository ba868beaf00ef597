/** The recurring jobs: the worker runs them, and the API too when it runs the worker in-process (docs/decisions/0016). */
export * from './audit-checkpoints/audit-checkpoint-job.module';
export * from './check-health/health-check.job';
export * from './check-health/health-check.provider';
export * from './expire-selections/expired-selections.job';
export * from './jobs.module';
export * from './publish-posts/publish-posts.job';
export * from './publish-posts/publish-posts.providers';
export * from './refresh-tokens/token-refresh.job';
export * from './refresh-tokens/token-refresh.module';
