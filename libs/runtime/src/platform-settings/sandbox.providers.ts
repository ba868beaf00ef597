import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Sandbox } from './sandbox';

/** The sandbox settings: always provided (empty in production), so OAuth can ask about them. */
export const sandboxProviders: Provider[] = [
  {
    provide: Sandbox,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => Sandbox.forConfig(config),
  },
];
