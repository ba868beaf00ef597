import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectionRunner } from '@ledger/read-models';
import {
  AppConfigModule,
  loadAppConfig,
  missingProductionSecrets,
  StorageModule,
  PlatformSettingsModule,
  WebhooksModule,
} from '@ledger/runtime';
import { JobsModule, TokenRefreshModule } from '@ledger/jobs';

/**
 * The worker: runs the projections and the scheduled jobs for API processes that do not.
 * `node dist/apps/worker/main.js rebuild-projections` rebuilds the read models from the events.
 */
async function main(): Promise<void> {
  const rebuild = process.argv.includes('rebuild-projections');
  const config = { ...loadAppConfig(), runsBackgroundWork: !rebuild };
  const missing = missingProductionSecrets(config);
  if (config.isProduction && missing.length > 0) {
    throw new Error(`Refusing to start in production without: ${missing.join(', ')}`);
  }

  @Module({
    imports: [
      AppConfigModule.forRoot(config),
      StorageModule,
      PlatformSettingsModule,
      WebhooksModule,
      TokenRefreshModule,
      ...(rebuild ? [] : [JobsModule]),
    ],
  })
  class WorkerModule {}

  const app = await NestFactory.createApplicationContext(WorkerModule);
  app.enableShutdownHooks();
  const logger = new Logger('Worker');
  if (rebuild) {
    const started = Date.now();
    await app.get(ProjectionRunner).rebuild();
    logger.log(`read models rebuilt from the events in ${Date.now() - started} ms`);
    await app.close();
    return;
  }
  logger.log('running projections and scheduled jobs (token refresh, webhooks)');
}

main().catch((error: unknown) => {
  new Logger('Worker').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
