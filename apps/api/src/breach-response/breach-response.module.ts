import { Module } from '@nestjs/common';
import { BreachResponseController } from './breach-response.controller';
import { BreachResponseService } from './breach-response.service';

/** `POST /v1/workspaces/{ws}/breach-response`, over the global storage and platform settings. */
@Module({
  controllers: [BreachResponseController],
  providers: [BreachResponseService],
})
export class BreachResponseModule {}
