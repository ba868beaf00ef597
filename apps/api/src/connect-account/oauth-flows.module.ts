import { Module } from '@nestjs/common';
import { OAuthFlows } from '@ledger/platforms';
import { oauthProviders } from './oauth.providers';

/** The OAuth flows, one per process: the routes run them, breach response cancels them. */
@Module({ providers: oauthProviders, exports: [OAuthFlows] })
export class OAuthFlowsModule {}
