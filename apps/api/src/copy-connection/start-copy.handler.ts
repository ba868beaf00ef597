import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands } from '@ledger/commands';
import { copySource } from '@ledger/domain';
import { OAuthFlows, type StartedOAuth } from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { checkReturnTo } from '../connect-account/return-to';
import { ConnectionAttemptLimiter } from '../connection-attempts/connection-attempt-limiter';
import type { Actor } from '../http/auth/current-actor.decorator';
import { ProblemException, validationFailed } from '../http/problem';

const MANAGERS = ['owner', 'admin'];

/** Start copying `connectionId` of `workspaceId` into `targetWorkspaceId`. */
export class StartCopyCommand {
  constructor(
    readonly workspaceId: string,
    readonly connectionId: string,
    readonly request: { targetWorkspaceId: string; returnTo?: string },
    readonly actor: Actor,
  ) {}
}

/**
 * Copy to workspace: the user signs in to the platform again, so the copy has its own token and
 * the two connections are independent from then on. Completing the OAuth creates the copy
 * (CompleteCopyHandler). Copying needs the owner or admin role in both workspaces.
 */
@CommandHandler(StartCopyCommand)
export class StartCopyHandler implements ICommandHandler<StartCopyCommand> {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly workspaces: WorkspaceCommands,
    private readonly attempts: ConnectionAttemptLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({
    workspaceId,
    connectionId,
    request,
    actor,
  }: StartCopyCommand): Promise<StartedOAuth> {
    const target = request.targetWorkspaceId;
    if (target === workspaceId) {
      throw validationFailed('A connection cannot be copied into its own workspace', [
        { field: 'targetWorkspaceId', messages: ['must be another workspace'] },
      ]);
    }
    const returnTo = checkReturnTo(this.config, request.returnTo);
    if (!MANAGERS.includes(actor.workspaces[target] ?? '')) {
      throw new ProblemException({
        status: 403,
        code: 'FORBIDDEN',
        title: 'Forbidden',
        detail: 'Copying needs the owner or admin role in both workspaces.',
      });
    }
    const { state } = await this.workspaces.load(workspaceId);
    const source = copySource(state, connectionId);
    await this.attempts.check({ userId: actor.userId }, target);
    return this.flows.start({
      platform: source.platform,
      userId: actor.userId,
      workspaceId: target,
      intent: {
        kind: 'copy',
        sourceWorkspaceId: workspaceId,
        sourceConnectionId: connectionId,
        ...(returnTo ? { returnTo } : {}),
      },
      actor: {
        role: actor.workspaces[target],
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      },
    });
  }
}
