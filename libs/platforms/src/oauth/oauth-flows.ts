import type { Platform } from '@ledger/domain';
import {
  OAuthAuthorizationError,
  OAuthCallbackError,
  PlatformError,
  PlatformNotConfiguredError,
} from '../errors';
import type {
  OAuthPlatform,
  OAuthTokens,
  PlatformAccount,
  PlatformIdentityClient,
} from '../platform-definition';
import { PendingAuthorizationStateStore, type FlowBinding } from './passport-state-store';
import {
  withoutVerifier,
  type ActorMetadata,
  type AuthorizationBinding,
  type OAuthIntent,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { PlatformOAuth2Strategy, type StrategyResult } from './platform-strategy';
import { takePendingAuthorization } from './state-verification';
import { newBrowserBinding, type OAuthCaller } from './browser-binding';
import { classifyTokenFailure } from './token-errors';

export interface StartOAuthInput {
  platform: Platform;
  userId: string;
  workspaceId: string;
  intent: OAuthIntent;
  actor: ActorMetadata;
}

export interface StartedOAuth {
  /** Where to send the user's browser. */
  authorizationUrl: string;
  state: string;
  /**
   * The nonce for the starting browser's binding cookie (secret; only its hash is stored): the
   * callback completes for the browser that presents it, or for the starter's bearer.
   */
  browserBinding: string;
}

/** The callback's query string as received; anything not a single string is treated as absent. */
export interface OAuthCallbackQuery {
  code?: unknown;
  state?: unknown;
  error?: unknown;
  error_description?: unknown;
}

export type { OAuthTokens };

export interface CompletedOAuth {
  /** Who started the flow and why. The caller must still check it against the request's caller and workspace. */
  pending: AuthorizationBinding;
  tokens: OAuthTokens;
  identities: PlatformAccount[];
}

export interface OAuthFlowsOptions {
  store: PendingAuthorizationStore;
  platforms: OAuthPlatform[];
  now?: () => Date;
  /**
   * Told of tokens obtained by a flow that then failed (identity not readable), to revoke them
   * where the platform allows; never throws.
   */
  onUnusedTokens?: (platform: Platform, tokens: OAuthTokens) => Promise<void>;
}

type Outcome =
  | { kind: 'success'; user: unknown; info: unknown }
  | { kind: 'fail'; challenge: unknown; status?: number }
  | { kind: 'error'; error: unknown }
  | { kind: 'redirect'; url: string }
  | { kind: 'pass' };

/**
 * Starts and completes OAuth authorization-code flows through passport-oauth2, without
 * a session: state and PKCE verifier live in the PendingAuthorizationStore, so the
 * callback may land on any process.
 */
export class OAuthFlows {
  /** Per platform with credentials: its passport strategy, identity client and traits. */
  private readonly flows = new Map<
    Platform,
    { strategy: PlatformOAuth2Strategy; identityClient: PlatformIdentityClient; selection: boolean }
  >();
  private readonly store: PendingAuthorizationStore;
  private readonly now: () => Date;

  constructor(private readonly options: OAuthFlowsOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    for (const oauthPlatform of options.platforms) {
      const platform = oauthPlatform.definition.platform;
      const stateStore = new PendingAuthorizationStateStore(platform, this.store, this.now);
      this.flows.set(platform, {
        strategy: new PlatformOAuth2Strategy(oauthPlatform, stateStore),
        identityClient: oauthPlatform.identityClient,
        selection: oauthPlatform.definition.selection,
      });
    }
  }

  /** The user chooses among the accounts this platform returns (Pages, company pages). */
  requiresSelection(platform: Platform): boolean {
    return this.flows.get(platform)?.selection ?? false;
  }

  /** The platforms a user can connect with this configuration. */
  get platforms(): Platform[] {
    return [...this.flows.keys()];
  }

  /** Every flow started in the workspace dies: its callback will find no state (breach). */
  cancelWorkspace(workspaceId: string): Promise<number> {
    return this.store.cancelWorkspace(workspaceId);
  }

  async start(input: StartOAuthInput): Promise<StartedOAuth> {
    const strategy = this.strategyFor(input.platform);
    const browser = newBrowserBinding();
    const binding: FlowBinding = {
      userId: input.userId,
      workspaceId: input.workspaceId,
      intent: input.intent,
      actor: input.actor,
      browserBindingHash: browser.hash,
    };
    // An object `state` makes passport-oauth2 hand it to our store instead of using it verbatim.
    const outcome = await run(strategy, { query: {}, body: {} }, { state: binding });
    if (outcome.kind === 'error') throw outcome.error;
    if (outcome.kind !== 'redirect')
      throw new Error(`Unexpected ${outcome.kind} while starting OAuth`);
    const state = new URL(outcome.url).searchParams.get('state');
    if (!state) throw new Error('passport-oauth2 produced an authorization URL without state');
    return { authorizationUrl: outcome.url, state, browserBinding: browser.nonce };
  }

  /**
   * Completes the flow `query.state` names, for `caller` only: the browser that started it or
   * its starter's bearer (refused before the code is exchanged otherwise).
   */
  async complete(input: {
    platform: Platform;
    query: OAuthCallbackQuery;
    caller: OAuthCaller;
  }): Promise<CompletedOAuth> {
    const { platform } = input;
    const strategy = this.strategyFor(platform);
    const code = single(input.query.code);
    const state = single(input.query.state);
    const error = single(input.query.error);

    if (error !== undefined) {
      // passport-oauth2 reports error responses before looking at state, which would
      // leave the state reusable and the refusal unattributed: consume it first.
      const pending = await takePendingAuthorization(this.store, platform, state, this.now());
      throw new OAuthAuthorizationError(platform, error, withoutVerifier(pending));
    }
    // Without a code passport-oauth2 would start a new flow instead of completing one.
    if (code === undefined) throw new OAuthCallbackError(platform, 'no authorization code');

    const outcome = await run(strategy, { query: { code, state }, body: {}, caller: input.caller });
    switch (outcome.kind) {
      case 'success':
        return this.completed(platform, outcome.user as StrategyResult, outcome.info);
      case 'error':
        throw this.translate(platform, outcome.error);
      default:
        throw new OAuthCallbackError(platform, `unexpected ${outcome.kind}`);
    }
  }

  private async completed(
    platform: Platform,
    result: StrategyResult,
    info: unknown,
  ): Promise<CompletedOAuth> {
    const pending = (info as { state: PendingAuthorization }).state;
    const params = result.params;
    const expiresIn = toNumber(params.expires_in);
    // TikTok says refresh_expires_in, LinkedIn refresh_token_expires_in.
    const refreshExpiresIn = toNumber(params.refresh_expires_in ?? params.refresh_token_expires_in);
    const now = this.now();
    const received: OAuthTokens = {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken ?? null,
      expiresIn,
      expiresAt: expiresIn === null ? null : new Date(now.getTime() + expiresIn * 1000),
      refreshExpiresAt:
        refreshExpiresIn === null ? null : new Date(now.getTime() + refreshExpiresIn * 1000),
      scope: typeof params.scope === 'string' ? params.scope.split(/[\s,]+/).filter(Boolean) : [],
      tokenType: typeof params.token_type === 'string' ? params.token_type : null,
      ...(typeof params.open_id === 'string' ? { extra: { open_id: params.open_id } } : {}),
    };
    const client = this.identityClientFor(platform);
    try {
      const tokens = client.exchangeToken ? await client.exchangeToken(received, now) : received;
      const identities = await client.fetchIdentities(tokens.accessToken, tokens);
      return { pending: withoutVerifier(pending), tokens, identities };
    } catch (error) {
      // Whose account it is went unread, so it may be connected here: no grant-wide revocation.
      await this.options.onUnusedTokens?.(platform, received);
      throw this.translate(platform, error);
    }
  }

  private translate(platform: Platform, error: unknown): unknown {
    if (error instanceof PlatformError) return error;
    return classifyTokenFailure(platform, error) ?? error;
  }

  private identityClientFor(platform: Platform): PlatformIdentityClient {
    return this.flowOf(platform).identityClient;
  }

  private strategyFor(platform: Platform): PlatformOAuth2Strategy {
    return this.flowOf(platform).strategy;
  }

  private flowOf(platform: Platform) {
    const flow = this.flows.get(platform);
    if (!flow) throw new PlatformNotConfiguredError(platform);
    return flow;
  }
}

/**
 * Drives a strategy the way passport's middleware does: a per-request object whose
 * success/fail/error/redirect/pass report the outcome.
 */
function run(
  strategy: PlatformOAuth2Strategy,
  req: {
    query: Record<string, string | undefined>;
    body: Record<string, never>;
    caller?: OAuthCaller;
  },
  options?: { state: FlowBinding },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const attempt = Object.create(strategy) as PlatformOAuth2Strategy;
    attempt.success = (user: unknown, info: unknown) => resolve({ kind: 'success', user, info });
    attempt.fail = (challenge?: unknown, status?: number) =>
      resolve({ kind: 'fail', challenge, status });
    attempt.error = (error: unknown) => resolve({ kind: 'error', error });
    attempt.redirect = (url: string) => resolve({ kind: 'redirect', url });
    attempt.pass = () => resolve({ kind: 'pass' });
    try {
      attempt.authenticate(req, options);
    } catch (error) {
      resolve({ kind: 'error', error });
    }
  });
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toNumber(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}
