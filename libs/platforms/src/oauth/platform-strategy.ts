import OAuth2Strategy from 'passport-oauth2';
import type { OAuth2 } from 'oauth';
import type { OAuthPlatform } from '../platform-definition';
import type { PendingAuthorizationStateStore } from './passport-state-store';

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
    if (d.tokenEndpointAuth === 'client_secret_basic') {
      useClientSecretBasic(this._oauth2, d.clientId, d.clientSecret);
    }
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
  _request(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string,
    accessToken: null,
    callback: (
      err: { statusCode: number; data?: unknown } | Error | null,
      data?: string | Buffer,
    ) => void,
  ): void;
  _getAccessTokenUrl(): string;
  getOAuthAccessToken(code: string, params: Record<string, string>, callback: TokenCallback): void;
}

/**
 * The `oauth` library always posts `client_secret` in the body. X's confidential clients
 * authenticate with HTTP Basic instead (RFC 6749 §2.3.1), and a client must not use two
 * methods at once, so this replaces the token request on this one instance.
 */
function useClientSecretBasic(oauth2: OAuth2, clientId: string, clientSecret: string): void {
  const client = oauth2 as unknown as OAuth2Internals;
  const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  client.getOAuthAccessToken = function (code, params, callback) {
    const grant = params.grant_type === 'refresh_token' ? 'refresh_token' : 'code';
    const body = new URLSearchParams({ ...params, client_id: clientId, [grant]: code }).toString();
    const headers = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: authorization,
    };
    client._request('POST', client._getAccessTokenUrl(), headers, body, null, (err, data) => {
      if (err) return callback(err);
      const text = data === undefined ? '' : data.toString();
      let results: Record<string, unknown>;
      try {
        results = JSON.parse(text) as Record<string, unknown>;
      } catch {
        results = Object.fromEntries(new URLSearchParams(text));
      }
      const { access_token, refresh_token, ...rest } = results;
      callback(
        null,
        typeof access_token === 'string' ? access_token : undefined,
        typeof refresh_token === 'string' ? refresh_token : undefined,
        rest,
      );
    });
  };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
