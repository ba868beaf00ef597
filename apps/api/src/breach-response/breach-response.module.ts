import { Module } from '@nestjs/common';
import { OAuthFlowsModule } from '../connect-account/oauth-flows.module';
import { ConnectionTeardownModule } from '../disconnect-account/connection-teardown.module';
import { BreachResponseController } from './breach-response.controller';
import { BreachResponseService } from './breach-response.service';

/** `POST /v1/workspaces/{ws}/breach-response`, over the global storage and platform settings. */
@Module({
  imports: [ConnectionTeardownModule, OAuthFlowsModule],
  controllers: [BreachResponseController],
  providers: [BreachResponseService],
})
export class BreachResponseModule {}
