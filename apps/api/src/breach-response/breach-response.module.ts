import { Module } from '@nestjs/common';
import { OAuthFlowsModule } from '../connect-account/oauth-flows.module';
import { ConnectionTeardownModule } from '../disconnect-account/connection-teardown.module';
import { BreachResponseController } from './breach-response.controller';
import { RespondToBreachHandler } from './breach-response.handler';

/** `POST /v1/workspaces/{ws}/breach-response`, over the global storage and platform settings. */
@Module({
  imports: [ConnectionTeardownModule, OAuthFlowsModule],
  controllers: [BreachResponseController],
  providers: [RespondToBreachHandler],
})
export class BreachResponseModule {}
