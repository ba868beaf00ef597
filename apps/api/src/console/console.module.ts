import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/** The admin console's pages and assets at /console (apps/console). */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
