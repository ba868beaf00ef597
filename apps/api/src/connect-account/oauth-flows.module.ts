import { Module } from '@nestjs/common';
import { OAuthFlows } from '@ledger/platforms';
import { oauthProviders } from './oauth.providers';
import { RefusedFlowTokens } from './refused-flow-tokens';

/** The OAuth flows, one per process: the routes run them (and revoke what a refused callback
 * obtained), breach response cancels them. */
@Module({ providers: oauthProviders, exports: [OAuthFlows, RefusedFlowTokens] })
export class OAuthFlowsModule {}
