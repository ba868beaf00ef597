import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, loadAppConfig, type AppConfig } from './app-config';

/**
 * Makes the AppConfig injectable everywhere as `@Inject(APP_CONFIG)`. main.ts loads it once
 * (and checks missingProductionSecrets) and passes it in; tests pass their own.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig = loadAppConfig()): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
