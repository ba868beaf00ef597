import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadAppConfig, missingProductionSecrets } from '@ledger/runtime';
import { developmentToken } from './config/development-token';
import { configureHttpApp, createHttpAdapter, listenHost } from './http/http-edge';

async function main(): Promise<void> {
  const logger = new Logger('ConnectionLedger');
  const config = loadAppConfig();
  const missing = missingProductionSecrets(config);
  if (config.isProduction && missing.length > 0) {
    throw new ConfigError([`production needs ${missing.join(', ')}`]);
  }
  for (const warning of config.warnings) logger.warn(warning);

  const app = await NestFactory.create(AppModule.forRoot(config), createHttpAdapter(config), {
    bufferLogs: false,
  });
  configureHttpApp(app);
  app.enableShutdownHooks();
  await app.listen(config.port, listenHost());

  const stores = `${config.eventStoreConnectionString ? 'EventStoreDB' : `SQLite in ${config.dataDir}`} events, ${config.mongodbUri ? 'MongoDB' : 'SQLite'} read models`;
  logger.log(`listening on ${config.publicBaseUrl} (${stores}); OpenAPI at /docs`);
  logger.log(`admin console at ${config.publicBaseUrl}/console/`);
  if (!config.isProduction && config.jwtSecretIsDefault) {
    logger.log(`development token for workspace "demo" (owner): ${developmentToken(config)}`);
  }
}

main().catch((error: unknown) => {
  new Logger('ConnectionLedger').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
