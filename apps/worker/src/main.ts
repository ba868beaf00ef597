import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectionRunner } from '@ledger/read-models';
import { AppConfigModule } from '../../api/src/config/app-config.module';
import { loadAppConfig, missingProductionSecrets } from '../../api/src/config/app-config';
import { StorageModule } from '../../api/src/storage/storage.module';
import { PlatformSettingsModule } from '../../api/src/connect-account/platform-settings.module';
import { WebhooksModule } from '../../api/src/configure-webhook/webhooks.module';
import { JobsModule } from './jobs/jobs.module';
import { TokenRefreshModule } from './refresh-tokens/token-refresh.module';

/**
 * The worker: runs the projections (and, later, scheduled jobs) for API processes that do not.
 * `node dist/apps/worker/main.js rebuild-projections` rebuilds the read models from the events.
 */
async function main(): Promise<void> {
  const rebuild = process.argv.includes('rebuild-projections');
  const config = { ...loadAppConfig(), runProjections: !rebuild };
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
