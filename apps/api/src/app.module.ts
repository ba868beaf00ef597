import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangePlanController } from './change-plan/change-plan.controller';
import {
  AppConfigModule,
  type AppConfig,
  ConnectionHistoryQuery,
  ConnectionQueries,
  StorageModule,
  PlatformSettingsModule,
  WebhooksModule,
} from '@ledger/runtime';
import { OAuthCallbackController } from './connect-account/oauth-callback.controller';
import { ChooseAccountsController } from './choose-accounts/choose-accounts.controller';
import { OAuthFlowsModule } from './connect-account/oauth-flows.module';
import { StartOAuthController } from './connect-account/start-oauth.controller';
import { ConnectionHistoryController } from './connection-history/connection-history.controller';
import { DisconnectAccountController } from './disconnect-account/disconnect-account.controller';
import { ConnectionTeardownModule } from './disconnect-account/connection-teardown.module';
import { ConnectionResponder } from './get-connection/connection-responder';
import { WaitUntilShown } from './command-context/wait-until-shown';
import { GetConnectionController } from './get-connection/get-connection.controller';
import { HealthController } from './http/health.controller';
import { httpEdgeProviders } from './http/http-edge';
import { IntegrationsController } from './integrations/integrations.controller';
import { IntegrationsQuery } from './integrations/integrations.query';
import { ListConnectionsController } from './list-connections/list-connections.controller';
import { SetMainAccountController } from './set-main-account/set-main-account.controller';
import { healthProviders } from './storage/health-checks';
import { connectionAttemptProviders } from './connection-attempts/connection-attempts.providers';
import { CopyConnectionController } from './copy-connection/copy-connection.controller';
import { SchedulePostController } from './schedule-post/schedule-post.controller';
import { CreateCampaignController } from './create-campaign/create-campaign.controller';
import { SandboxController } from './sandbox/sandbox.controller';
import { JobsModule, TokenRefreshModule } from '@ledger/jobs';
import { RefreshConnectionController } from './refresh-connection/refresh-connection.controller';
import { ConfigureWebhookController } from './configure-webhook/configure-webhook.controller';
import { VerifyAuditModule } from './verify-audit/verify-audit.module';
import { AuditTrailModule } from './audit-trail/audit-trail.module';
import { BreachResponseModule } from './breach-response/breach-response.module';
import { commandHandlers } from './command-handlers';
import { ConsoleModule } from './console/console.module';

/** The HTTP API: one controller and handler per capability, over the storage ports. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const root: DynamicModule = {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        StorageModule,
        PlatformSettingsModule,
        OAuthFlowsModule,
        ConnectionTeardownModule,
        WebhooksModule,
        VerifyAuditModule,
        AuditTrailModule,
        BreachResponseModule,
        ConsoleModule,
        TokenRefreshModule,
        CqrsModule.forRoot(),
        // A local run is one process: it runs the scheduled jobs too (else the worker does).
        ...(config.runsBackgroundWork ? [JobsModule] : []),
      ],
      controllers: [
        HealthController,
        IntegrationsController,
        ListConnectionsController,
        GetConnectionController,
        ConnectionHistoryController,
        StartOAuthController,
        OAuthCallbackController,
        ChooseAccountsController,
        CopyConnectionController,
        ConfigureWebhookController,
        RefreshConnectionController,
        SchedulePostController,
        CreateCampaignController,
        SetMainAccountController,
        DisconnectAccountController,
        ChangePlanController,
        // The sandbox stands in for platforms without credentials; never in production.
        ...(config.isProduction ? [] : [SandboxController]),
      ],
      providers: [
        ...healthProviders,
        ...connectionAttemptProviders(),
        ConnectionResponder,
        WaitUntilShown,
        ConnectionQueries,
        IntegrationsQuery,
        ConnectionHistoryQuery,
        ...commandHandlers,
      ],
    };
    root.providers = [...httpEdgeProviders(), ...(root.providers ?? [])];
    return root;
  }
}
