import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DomainErrorCode, Platform } from '@ledger/domain';
import {
  loadPlatformsConfig,
  revokeUnusedTokens,
  tokenRevokers,
  type CompletedOAuth,
  type RevocationResult,
  type TokenRevoker,
} from '@ledger/platforms';
import { PLATFORM_ENV } from '@ledger/runtime';

/**
 * Refusals the callback decides before any token of the flow is stored (the connect command
 * shreds what it stored when the workspace refuses), so the flow's tokens have no use left.
 * Anything else (a 500, a read model lagging after the connection was made) may follow a
 * connection that keeps the tokens: those are never revoked here.
 */
const REFUSED_BEFORE_STORING: ReadonlySet<string> = new Set<DomainErrorCode | 'FORBIDDEN'>([
  'PLAN_LIMIT_REACHED',
  'ALREADY_CONNECTED',
  'ALREADY_CONNECTED_ELSEWHERE',
  'ACCOUNT_TYPE_NOT_SUPPORTED',
  'RECONNECT_ACCOUNT_MISMATCH',
  'COPY_ACCOUNT_MISMATCH',
  'LINKED_ACCOUNT_REQUIRED',
  'INSUFFICIENT_PERMISSIONS',
  'ACCOUNT_NOT_FOUND',
]);

/** Codes meaning the account is connected here already, under the same platform grant. */
const ACCOUNT_CONNECTED: ReadonlySet<string> = new Set([
  'ALREADY_CONNECTED',
  'ALREADY_CONNECTED_ELSEWHERE',
]);

/**
 * Revokes, where the platform allows, the tokens of an OAuth flow the callback refused after
 * the code exchange, and logs what came of it (never a token).
 */
@Injectable()
export class RefusedFlowTokens {
  private readonly logger = new Logger('OAuthCallback');
  readonly revokers: Record<Platform, TokenRevoker>;

  constructor(@Inject(PLATFORM_ENV) env: Record<string, string | undefined>) {
    this.revokers = tokenRevokers(loadPlatformsConfig(env));
  }

  async revoke(platform: Platform, completed: CompletedOAuth, refusal: unknown): Promise<void> {
    const code = (refusal as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !REFUSED_BEFORE_STORING.has(code)) return;
    const { intent } = completed.pending;
    // Connecting several accounts at once: an earlier one may already keep these tokens.
    if (intent.kind === 'connect' && completed.identities.length > 1) return;
    const mayBeConnected = intent.kind !== 'connect' || ACCOUNT_CONNECTED.has(code);
    const result = await revokeUnusedTokens(
      this.revokers[platform],
      platform,
      completed.tokens,
      mayBeConnected,
    );
    if (result) this.report(result, code);
  }

  report(result: RevocationResult, why = 'identity not readable'): void {
    const line = `tokens of a refused ${result.platform} flow (${why}): ${result.status}${result.detail ? `, ${result.detail}` : ''}`;
    if (result.status === 'failed') this.logger.warn(line);
    else this.logger.log(line);
  }
}
