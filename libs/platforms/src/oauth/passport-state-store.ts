import type { Platform } from '@ledger/domain';
import {
  newOAuthState,
  PENDING_AUTHORIZATION_TTL_MS,
  type ActorMetadata,
  type OAuthIntent,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { takePendingAuthorization } from './state-verification';
import { refuseUnboundCaller, type OAuthCaller } from './browser-binding';

/** What `OAuthFlows.start` hands passport as `options.state`, for the store to bind the state to. */
export interface FlowBinding {
  userId: string;
  workspaceId: string;
  intent: OAuthIntent;
  actor: ActorMetadata;
  browserBindingHash: string | null;
}

/** The request OAuthFlows hands passport at the callback: the query and who sent it. */
export interface CallbackRequest {
  caller?: OAuthCaller;
}

type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (
  err: Error | null,
  ok?: string | boolean,
  state?: PendingAuthorization,
) => void;

/**
 * passport-oauth2's custom state store, backed by the PendingAuthorizationStore instead
 * of `req.session` (the API has no session). passport-oauth2 dispatches on arity
 * (lib/strategy.js): `store` takes five parameters so it receives the PKCE verifier,
 * `verify` three; returning the verifier as `ok` makes passport send it as
 * `code_verifier`, and the pending authorization comes back as `info.state` on success.
 */
export class PendingAuthorizationStateStore {
  constructor(
    private readonly platform: Platform,
    private readonly pendingStore: PendingAuthorizationStore,
    private readonly now: () => Date,
  ) {}

  store(
    _req: unknown,
    verifier: string | undefined,
    binding: FlowBinding,
    _meta: unknown,
    callback: StoreCallback,
  ): void {
    const createdAt = this.now();
    const pending: PendingAuthorization = {
      state: newOAuthState(),
      platform: this.platform,
      userId: binding.userId,
      workspaceId: binding.workspaceId,
      intent: binding.intent,
      codeVerifier: verifier ?? null,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + PENDING_AUTHORIZATION_TTL_MS),
      actor: binding.actor,
      browserBindingHash: binding.browserBindingHash,
    };
    this.pendingStore.save(pending).then(
      () => callback(null, pending.state),
      (err: Error) => callback(err),
    );
  }

  /**
   * Runs before passport exchanges the code: a caller other than the starting browser or user
   * is refused here, with the state consumed, so the flow is dead and no token is obtained.
   */
  verify(req: CallbackRequest, providedState: unknown, callback: VerifyCallback): void {
    takePendingAuthorization(this.pendingStore, this.platform, providedState, this.now()).then(
      (pending) => {
        try {
          refuseUnboundCaller(this.platform, pending, req.caller ?? {});
        } catch (refusal) {
          return callback(refusal as Error);
        }
        callback(null, pending.codeVerifier ?? true, pending);
      },
      (err: Error) => callback(err),
    );
  }
}
