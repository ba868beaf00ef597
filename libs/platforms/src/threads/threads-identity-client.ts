import { GraphClient } from '../meta/graph-client';
import { exchangeForLongLivedToken } from '../meta/long-lived-token';
import type { OAuthTokens, PlatformAccount, PlatformIdentityClient } from '../platform-definition';

/** A Threads profile as `GET /me` returns it. */
interface ThreadsProfileBody {
  id?: unknown;
  username?: unknown;
  name?: unknown;
  threads_profile_picture_url?: unknown;
}

export interface ThreadsIdentityClientOptions {
  /** Versioned Threads Graph base, e.g. https://graph.threads.com/v1.0 (THREADS_API_URL). */
  apiUrl: string;
  /** The Threads app secret, for the th_exchange_token grant. */
  clientSecret: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** The fields of `GET /me` this client maps (`id` comes anyway). */
export const THREADS_PROFILE_FIELDS = [
  'id',
  'username',
  'name',
  'threads_profile_picture_url',
] as const;

/**
 * Who a Threads user token belongs to. The short-lived token (1 h) the code exchange yields is
 * first exchanged for a long-lived one (`th_exchange_token`, about 60 days); then `GET /me`
 * names the one Threads profile the token acts for.
 *
 * A Threads profile is created from an Instagram account and shares its username. The Threads
 * API does not expose that Instagram account's id (only the Instagram Graph API links the other
 * way, `/{ig-user-id}/instagram_backed_threads_user`, with a Facebook token), so the linked
 * Instagram account is named by username alone.
 */
export class ThreadsIdentityClient implements PlatformIdentityClient {
  readonly platform = 'threads' as const;
  private readonly graph: GraphClient;

  constructor(private readonly options: ThreadsIdentityClientOptions) {
    this.graph = new GraphClient({
      platform: 'threads',
      apiUrl: options.apiUrl,
      timeoutMs: options.timeoutMs,
      now: options.now,
    });
  }

  /**
   * `GET /access_token?grant_type=th_exchange_token&client_secret&access_token`: a long-lived
   * token whose lifetime is Meta's `expires_in`. An expired short-lived token cannot be
   * exchanged (Graph error 190: TOKEN_INVALID), the user has to authorize again.
   */
  exchangeToken(tokens: OAuthTokens, now: Date): Promise<OAuthTokens> {
    return exchangeForLongLivedToken(
      this.graph,
      {
        path: 'access_token',
        query: {
          grant_type: 'th_exchange_token',
          client_secret: this.options.clientSecret,
          access_token: tokens.accessToken,
        },
      },
      tokens,
      now,
    );
  }

  async fetchIdentities(accessToken: string): Promise<PlatformAccount[]> {
    return [await this.profile(accessToken)];
  }

  /** `GET /me?fields=id,username,name,threads_profile_picture_url`. */
  async profile(accessToken: string): Promise<PlatformAccount> {
    const body = await this.graph.get<ThreadsProfileBody>({
      path: 'me',
      query: { fields: THREADS_PROFILE_FIELDS.join(',') },
      accessToken,
      what: 'reading the Threads profile',
    });
    // Graph ids are strings: a number would already have lost digits past 2^53.
    const id = body.id;
    if (typeof id !== 'string' || !id || typeof body.username !== 'string' || !body.username) {
      throw this.graph.unavailable('answered /me without a profile id and username', 200);
    }
    return {
      accountId: id,
      accountName: body.username,
      accountType: 'profile',
      ...(typeof body.name === 'string' && body.name ? { displayName: body.name } : {}),
      ...(typeof body.threads_profile_picture_url === 'string' && body.threads_profile_picture_url
        ? { pictureUrl: body.threads_profile_picture_url }
        : {}),
      linkedAccount: { platform: 'instagram', accountId: null, accountName: body.username },
    };
  }
}
