import { pageAdminRefusal, type FacebookPageRole } from '@ledger/domain';
import type {
  AccountRefusal,
  OAuthTokens,
  PlatformAccount,
  PlatformIdentityClient,
} from '../platform-definition';
import { GraphClient } from '../meta/graph-client';
import { GraphApiError } from '../meta/graph-errors';
import { exchangeForLongLivedToken } from '../meta/long-lived-token';

/** What a user may do on a Page, from its `tasks`; only `admin` may connect it (the domain's rule). */
export type { FacebookPageRole };

/** A Page as `GET /me/accounts` lists it. */
interface GraphPage {
  id?: unknown;
  name?: unknown;
  category?: unknown;
  tasks?: unknown;
  access_token?: unknown;
}

interface GraphPermission {
  permission?: unknown;
  status?: unknown;
}

export interface FacebookIdentityClientOptions {
  /** Versioned Graph base, e.g. https://graph.facebook.com/v26.0 (FACEBOOK_API_URL). */
  apiUrl: string;
  /** The Meta app's id and secret, for the fb_exchange_token grant. */
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

/** Without these the Pages cannot be listed or posted to. */
export const FACEBOOK_REQUIRED_PERMISSIONS = ['pages_show_list', 'pages_manage_posts'] as const;

/** A user token that lives longer than this is long-lived, and so are the Page tokens it yields. */
const SHORT_LIVED_MAX_SECONDS = 24 * 60 * 60;

/**
 * Page roles map to tasks (Meta's "task-based access"): Admin has MANAGE, Editor
 * CREATE_CONTENT, Moderator MODERATE, Advertiser ADVERTISE, Analyst ANALYZE.
 */
export function facebookPageRole(tasks: readonly string[]): FacebookPageRole {
  if (tasks.includes('MANAGE')) return 'admin';
  if (tasks.includes('CREATE_CONTENT')) return 'editor';
  if (tasks.includes('MODERATE')) return 'moderator';
  if (tasks.includes('ADVERTISE')) return 'advertiser';
  if (tasks.includes('ANALYZE')) return 'analyst';
  return 'none';
}

/** Why a Page cannot be connected by this user (the domain's words); null for an admin. */
export function facebookPageRefusal(role: FacebookPageRole): AccountRefusal | null {
  const reason = pageAdminRefusal(role);
  return reason === null ? null : { code: 'INSUFFICIENT_PERMISSIONS', reason };
}

/**
 * Facebook Login: exchanges the short-lived user token for a long-lived one, then lists the
 * Pages the user can act on (`GET /me/accounts`), each with its own Page token. Only Pages
 * the user administers (task MANAGE) are connectable; the others carry a refusal.
 */
export class FacebookIdentityClient implements PlatformIdentityClient {
  readonly platform = 'facebook' as const;
  private readonly graph: GraphClient;

  constructor(private readonly options: FacebookIdentityClientOptions) {
    this.graph = new GraphClient({
      platform: 'facebook',
      apiUrl: options.apiUrl,
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * `GET /oauth/access_token?grant_type=fb_exchange_token`: ~60 days, as Meta says in
   * `expires_in`; then `GET /me/permissions`, since Facebook's token response names no
   * scopes and the user may have unticked some in the dialog.
   */
  async exchangeToken(tokens: OAuthTokens, now: Date): Promise<OAuthTokens> {
    const longLived = await exchangeForLongLivedToken(
      this.graph,
      {
        path: 'oauth/access_token',
        query: {
          grant_type: 'fb_exchange_token',
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          fb_exchange_token: tokens.accessToken,
        },
      },
      tokens,
      now,
    );
    return { ...longLived, scope: await this.grantedPermissions(longLived.accessToken) };
  }

  async grantedPermissions(accessToken: string): Promise<string[]> {
    const permissions = await this.graph.getAll<GraphPermission>({
      path: 'me/permissions',
      accessToken,
      what: 'reading granted permissions',
    });
    return permissions
      .filter((p) => p.status === 'granted' && typeof p.permission === 'string')
      .map((p) => p.permission as string);
  }

  async fetchIdentities(accessToken: string, tokens?: OAuthTokens): Promise<PlatformAccount[]> {
    if (tokens && tokens.scope.length > 0) {
      const missing = FACEBOOK_REQUIRED_PERMISSIONS.filter((p) => !tokens.scope.includes(p));
      if (missing.length > 0) {
        throw new GraphApiError(
          'INSUFFICIENT_PERMISSIONS',
          'facebook',
          `Facebook permissions were not granted: ${missing.join(', ')}. Connect again and allow them.`,
          null,
          null,
          { code: null, subcode: null, type: null, fbtraceId: null },
        );
      }
    }
    const pages = await this.graph.getAll<GraphPage>({
      path: 'me/accounts',
      query: { fields: 'id,name,category,tasks,access_token', limit: '100' },
      accessToken,
      what: 'listing Pages',
    });
    const pageTokenExpiresAt = pageTokenExpiry(tokens);
    return pages.map((page) => this.account(page, pageTokenExpiresAt));
  }

  private account(page: GraphPage, pageTokenExpiresAt: Date | null): PlatformAccount {
    if (typeof page.id !== 'string' || !page.id) {
      throw this.graph.unavailable('listed a Page without an id', 200);
    }
    const tasks = Array.isArray(page.tasks)
      ? page.tasks.filter((t): t is string => typeof t === 'string')
      : [];
    const role = facebookPageRole(tasks);
    const refusal = facebookPageRefusal(role);
    const name = typeof page.name === 'string' && page.name ? page.name : page.id;
    const account: PlatformAccount = {
      accountId: page.id,
      accountName: name,
      accountType: 'page',
      displayName: name,
      attributes: {
        pageRole: role,
        ...(typeof page.category === 'string' ? { category: page.category } : {}),
      },
    };
    if (refusal) return { ...account, refusal };
    if (typeof page.access_token !== 'string' || !page.access_token) {
      throw this.graph.unavailable('listed an administered Page without its Page token', 200);
    }
    return {
      ...account,
      accountToken: { accessToken: page.access_token, expiresAt: pageTokenExpiresAt },
    };
  }
}

/**
 * A Page token fetched with a long-lived user token has no expiry; one fetched with a
 * short-lived user token lapses with it.
 */
function pageTokenExpiry(tokens: OAuthTokens | undefined): Date | null {
  if (!tokens || tokens.expiresIn === null) return null;
  return tokens.expiresIn <= SHORT_LIVED_MAX_SECONDS ? tokens.expiresAt : null;
}
