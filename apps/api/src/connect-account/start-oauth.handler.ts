import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands } from '@ledger/commands';
import { DomainError, type Platform } from '@ledger/domain';
import { OAuthFlows, type StartedOAuth } from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { ConnectionAttemptLimiter } from '../connection-attempts/connection-attempt-limiter';
import type { Actor } from '../http/auth/current-actor.decorator';
import { Sandbox } from '@ledger/runtime';
import { checkAccountRegion } from './account-region';
import { checkReturnTo } from './return-to';

/** Start connecting an account of `platform`, or reconnecting `reconnectConnectionId`. */
export class StartOAuthCommand {
  constructor(
    readonly workspaceId: string,
    readonly platform: Platform,
    readonly request: { reconnectConnectionId?: string; returnTo?: string; region?: string },
    readonly actor: Actor,
  ) {}
}

export type StartedConnect = StartedOAuth & { sandbox?: true };

/**
 * Checks what can be checked before anyone is sent to the platform (the connection to
 * reconnect, `returnTo`, TikTok's region, the attempt limit), then starts the flow.
 */
@CommandHandler(StartOAuthCommand)
export class StartOAuthHandler implements ICommandHandler<StartOAuthCommand> {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly workspaces: WorkspaceCommands,
    private readonly attempts: ConnectionAttemptLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sandbox: Sandbox,
  ) {}

  async execute({
    workspaceId,
    platform,
    request,
    actor,
  }: StartOAuthCommand): Promise<StartedConnect> {
    const reconnectId = request.reconnectConnectionId;
    if (reconnectId) {
      const { state } = await this.workspaces.load(workspaceId);
      const connection = state.connections[reconnectId];
      if (!connection || connection.platform !== platform) {
        throw new DomainError(
          'NOT_FOUND',
          `No ${platform} connection ${reconnectId} in this workspace.`,
          { connectionId: reconnectId },
        );
      }
    }
    const returnTo = checkReturnTo(this.config, request.returnTo);
    checkAccountRegion(this.config, platform, request.region);
    await this.attempts.check({ userId: actor.userId }, workspaceId);
    const started = await this.flows.start({
      platform,
      userId: actor.userId,
      workspaceId,
      intent: {
        ...(reconnectId
          ? { kind: 'reconnect' as const, connectionId: reconnectId }
          : { kind: 'connect' as const }),
        ...(returnTo ? { returnTo } : {}),
      },
      actor: {
        role: actor.role ?? 'none',
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      },
    });
    // A platform without credentials, outside production: the user consents at the sandbox.
    return { ...started, ...(this.sandbox.has(platform) ? { sandbox: true as const } : {}) };
  }
}
