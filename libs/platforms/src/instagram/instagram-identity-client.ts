import type {
  AccountRefusal,
  OAuthTokens,
  PlatformAccount,
  PlatformIdentityClient,
} from '../platform-definition';
import { GraphClient } from '../meta/graph-client';
import { exchangeForLongLivedToken } from '../meta/long-lived-token';

export type InstagramAccountType = 'business' | 'creator' | 'personal' | 'unknown';

interface InstagramMe {
  id?: unknown;
  user_id?: unknown;
  username?: unknown;
  account_type?: unknown;
  name?: unknown;
  profile_picture_url?: unknown;
}

export interface InstagramIdentityClientOptions {
  /** Versioned Instagram Graph base, e.g. https://graph.instagram.com/v26.0 (INSTAGRAM_API_URL). */
  apiUrl: string;
  /** The Instagram app secret, for the ig_exchange_token grant. */
  clientSecret: string;
  timeoutMs?: number;
}

/**
 * Instagram reports `BUSINESS`, `MEDIA_CREATOR` or `PERSONAL` (documentation varies in case,
 * e.g. `Business`, `Media_Creator`); creator accounts are media creators.
 */
export function instagramAccountType(accountType: unknown): InstagramAccountType {
  const value = typeof accountType === 'string' ? accountType.toUpperCase() : '';
  if (value === 'BUSINESS') return 'business';
  if (value === 'MEDIA_CREATOR' || value === 'CREATOR') return 'creator';
  if (value === 'PERSONAL') return 'personal';
  return 'unknown';
}

export function instagramRefusal(type: InstagramAccountType): AccountRefusal | null {
  switch (type) {
    case 'business':
    case 'creator':
      return null;
    case 'personal':
      return {
        code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
        reason:
          'Personal Instagram accounts cannot be connected: switch it to a Business or Creator account in the Instagram app, then connect again.',
      };
    case 'unknown':
      return {
        code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
        reason:
          'Instagram did not confirm this is a Business or Creator account: check its account type in the Instagram app, then connect again.',
      };
  }
}

/**
 * Instagram API with Instagram Login (Business Login for Instagram): exchanges the 1-hour
 * token for a 60-day one (`ig_exchange_token`), then reads the professional account behind
 * it (`GET /me`). Business and Creator accounts are connectable; personal ones are refused.
 */
export class InstagramIdentityClient implements PlatformIdentityClient {
  readonly platform = 'instagram' as const;
  private readonly graph: GraphClient;

  constructor(private readonly options: InstagramIdentityClientOptions) {
    this.graph = new GraphClient({
      platform: 'instagram',
      apiUrl: options.apiUrl,
      timeoutMs: options.timeoutMs,
    });
  }

  /** `GET /access_token?grant_type=ig_exchange_token&client_secret&access_token`. */
  exchangeToken(tokens: OAuthTokens, now: Date): Promise<OAuthTokens> {
    return exchangeForLongLivedToken(
      this.graph,
      {
        path: 'access_token',
        query: {
          grant_type: 'ig_exchange_token',
          client_secret: this.options.clientSecret,
          access_token: tokens.accessToken,
        },
      },
      tokens,
      now,
    );
  }

  async fetchIdentities(accessToken: string): Promise<PlatformAccount[]> {
    const me = await this.graph.get<InstagramMe>({
      path: 'me',
      query: { fields: 'id,user_id,username,account_type,name,profile_picture_url' },
      accessToken,
      what: 'reading the Instagram account',
    });
    // `user_id` is the professional account's id (the one publishing uses); `id` is app-scoped.
    const accountId = idOf(me.user_id) ?? idOf(me.id);
    if (!accountId || typeof me.username !== 'string' || !me.username) {
      throw this.graph.unavailable('answered /me without an account id and username', 200);
    }
    const accountType = instagramAccountType(me.account_type);
    const refusal = instagramRefusal(accountType);
    const appScopedId = idOf(me.id);
    return [
      {
        accountId,
        accountName: me.username,
        accountType,
        ...(typeof me.name === 'string' && me.name ? { displayName: me.name } : {}),
        ...(typeof me.profile_picture_url === 'string' && me.profile_picture_url
          ? { pictureUrl: me.profile_picture_url }
          : {}),
        ...(refusal ? { refusal } : {}),
        ...(appScopedId && appScopedId !== accountId
          ? { attributes: { appScopedUserId: appScopedId } }
          : {}),
      },
    ];
  }
}

/** Ids are numeric strings; a bare number beyond 2^53 would already have lost digits. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return null;
}
