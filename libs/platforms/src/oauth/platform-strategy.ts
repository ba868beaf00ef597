import OAuth2Strategy from 'passport-oauth2';
import type { OAuth2 } from 'oauth';
import type { OAuthPlatform, TokenEndpointAuth } from '../platform-definition';
import { unwrapMetaTokenResponse } from '../meta/token-response';
import type { PendingAuthorizationStateStore } from './passport-state-store';
import { boundedFetch, unansweredReason } from '../http';
import { TokenEndpointUnansweredError } from './token-errors';

/**
 * The request passport-oauth2 reads (its `query` and `body`): OAuthFlows builds it from the
 * callback's query string; no HTTP framework's request reaches the strategy.
 */
export interface StrategyRequest {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** What the strategy's verify step yields for one successful callback. */
export interface StrategyResult {
  accessToken: string;
  refreshToken: string | undefined;
  params: Record<string, unknown>;
}

/**
 * passport-oauth2 configured from a PlatformDefinition. The identity client is the
 * strategy's `userProfile`, so the callback is one passport run: state check, code
 * exchange (with the PKCE verifier), identity fetch.
 */
export class PlatformOAuth2Strategy extends OAuth2Strategy {
  /** `client_id`, or what the platform calls it (TikTok: `client_key`). */
  private readonly clientIdParameter: string;

  constructor(
    private readonly oauthPlatform: OAuthPlatform,
    stateStore: PendingAuthorizationStateStore,
  ) {
    const d = oauthPlatform.definition;
    super(
      {
        authorizationURL: d.authorizationUrl,
        tokenURL: d.tokenUrl,
        clientID: d.clientId,
        clientSecret: d.clientSecret,
        callbackURL: d.redirectUri,
        scope: [...d.scopes],
        scopeSeparator: d.scopeSeparator,
        pkce: d.pkce,
        // The typings only know the 2/3-argument store; passport also accepts the PKCE form.
        store: stateStore as unknown as OAuth2Strategy.StateStore,
        // Identities are fetched by OAuthFlows after any long-lived token exchange: a Page
        // token fetched with a short-lived user token would expire with it.
        skipUserProfile: true,
      },
      (
        accessToken: string,
        refreshToken: string | undefined,
        params: Record<string, unknown>,
        _profile: unknown,
        done: OAuth2Strategy.VerifyCallback,
      ) => {
        const result: StrategyResult = { accessToken, refreshToken, params };
        done(null, result);
      },
    );
    this.name = `oauth2-${d.platform}`;
    this.clientIdParameter = d.clientIdParameter ?? 'client_id';
    replaceTokenRequest(this._oauth2, {
      auth: d.tokenEndpointAuth,
      clientIdParameter: this.clientIdParameter,
      clientId: d.clientId,
      clientSecret: d.clientSecret,
    });
  }

  /**
   * passport-oauth2 writes `client_id` into the authorization URL itself; a platform that
   * names it otherwise (TikTok: `client_key`) gets the URL with the parameter renamed.
   * `this` is passport's per-request object, so wrapping its `redirect` touches no other request.
   */
  override authenticate(req: StrategyRequest, options?: unknown): void {
    // Only on a per-request object (passport's and OAuthFlows' own `redirect`), never on
    // the shared strategy, which would wrap once more on every call.
    if (this.clientIdParameter !== 'client_id' && Object.hasOwn(this, 'redirect')) {
      const redirect = this.redirect.bind(this);
      const name = this.clientIdParameter;
      this.redirect = (url: string, status?: number) =>
        redirect(renameQueryParameter(url, 'client_id', name), status);
    }
    // passport's typings name Express's request; it reads only `query` and `body`.
    super.authenticate(req as unknown as Parameters<OAuth2Strategy['authenticate']>[0], options);
  }

  /** As the default, but keeps the HTTP status so a 5xx can be told from a refused code. */
  override parseErrorResponse(body: string, status: number): Error | null {
    const json = JSON.parse(body) as {
      error?: unknown;
      error_description?: unknown;
      error_uri?: unknown;
    };
    if (typeof json.error !== 'string') return null;
    return new OAuth2Strategy.TokenError(
      typeof json.error_description === 'string' ? json.error_description : undefined,
      json.error,
      typeof json.error_uri === 'string' ? json.error_uri : undefined,
      status,
    );
  }
}

type TokenCallback = (
  err: { statusCode: number; data?: unknown } | Error | null,
  accessToken?: string,
  refreshToken?: string,
  results?: Record<string, unknown>,
) => void;

interface OAuth2Internals {
  _getAccessTokenUrl(): string;
  getOAuthAccessToken(code: string, params: Record<string, string>, callback: TokenCallback): void;
}

interface TokenRequestOptions {
  auth: TokenEndpointAuth;
  clientIdParameter: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The `oauth` library always posts `client_id` and `client_secret` in the body. This replaces
 * the token request on one instance where a platform wants otherwise:
 * - X's confidential clients authenticate with HTTP Basic instead (RFC 6749 §2.3.1), and a
 *   client must not use two methods at once, so the secret leaves the body;
 * - TikTok names the client id `client_key` (with `client_secret` in the body), and may
 *   answer a refused code with a 2xx carrying `{error, error_description, log_id}`: that is
 *   reported as the error it is, not as a missing access token.
 */
function replaceTokenRequest(oauth2: OAuth2, options: TokenRequestOptions): void {
  const client = oauth2 as unknown as OAuth2Internals;
  const { auth, clientIdParameter, clientId, clientSecret } = options;
  const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  client.getOAuthAccessToken = function (code, params, callback) {
    const grant = params.grant_type === 'refresh_token' ? 'refresh_token' : 'code';
    const body = new URLSearchParams({
      ...params,
      [clientIdParameter]: clientId,
      ...(auth === 'client_secret_post' ? { client_secret: clientSecret } : {}),
      [grant]: code,
    }).toString();
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(auth === 'client_secret_basic' ? { Authorization: authorization } : {}),
    };
    // Not the `oauth` library's own request: it has no deadline and reads any body whole.
    boundedFetch(client._getAccessTokenUrl(), {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
    }).then(
      async (response) => {
        const text = await response.text();
        // passport-oauth2 hands {statusCode, data} to parseErrorResponse: a TokenError.
        if (!response.ok) return callback({ statusCode: response.status, data: text });
        let results: Record<string, unknown>;
        try {
          results = JSON.parse(text) as Record<string, unknown>;
        } catch {
          results = Object.fromEntries(new URLSearchParams(text));
        }
        // Instagram's Business Login may wrap the answer in data[] and name scopes `permissions`.
        results = unwrapMetaTokenResponse(results);
        const { access_token, refresh_token, ...rest } = results;
        if (typeof access_token !== 'string' && typeof rest.error === 'string') {
          return callback({ statusCode: 200, data: text });
        }
        callback(
          null,
          typeof access_token === 'string' ? access_token : undefined,
          typeof refresh_token === 'string' ? refresh_token : undefined,
          rest,
        );
      },
      // No answer, too late or too large: passport reports it as an InternalOAuthError.
      (cause: unknown) => callback(new TokenEndpointUnansweredError(unansweredReason(cause))),
    );
  };
}

/** Renames one query parameter of an absolute URL, keeping its value and the others. */
function renameQueryParameter(url: string, from: string, to: string): string {
  const parsed = new URL(url);
  const value = parsed.searchParams.get(from);
  if (value === null) return url;
  parsed.searchParams.delete(from);
  parsed.searchParams.set(to, value);
  return parsed.toString();
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
