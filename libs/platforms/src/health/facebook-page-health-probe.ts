import { GraphClient } from '../meta/graph-client';
import { GraphApiError } from '../meta/graph-errors';
import {
  healthOutcome,
  healthy,
  notAdministered,
  type HealthOutcome,
  type HealthProbe,
  type ProbedConnection,
} from './health-probe';

export interface FacebookPageHealthProbeOptions {
  /** Versioned Graph base (FACEBOOK_API_URL). */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Graph error 190 subcodes that mean the Page token's user lost the Page, not that the token
 * simply lapsed: 492 ("the user must be an administrator, editor, or moderator of the page").
 */
const NOT_ADMINISTERED_SUBCODES = new Set([492]);

/**
 * A Facebook Page connection keeps its Page token: `GET /{page-id}?fields=id,name` with it says
 * whether the Page is still there and still reachable by this connection. Graph 803 or 100/33:
 * the Page is gone; 10 / 200-299: a permission was removed; 190: the token is dead, or (492)
 * the user is no longer an admin of the Page.
 */
export class FacebookPageHealthProbe implements HealthProbe {
  readonly platform = 'facebook' as const;
  private readonly graph: GraphClient;

  constructor(options: FacebookPageHealthProbeOptions) {
    this.graph = new GraphClient({
      platform: 'facebook',
      apiUrl: options.apiUrl,
      timeoutMs: options.timeoutMs,
    });
  }

  async probe(connection: ProbedConnection): Promise<HealthOutcome> {
    let page: { id?: unknown; name?: unknown };
    try {
      page = await this.graph.get({
        path: encodeURIComponent(connection.accountId),
        query: { fields: 'id,name' },
        accessToken: connection.tokens.accessToken,
        what: 'checking the Page',
      });
    } catch (error) {
      if (
        error instanceof GraphApiError &&
        error.graph.code === 190 &&
        error.graph.subcode !== null &&
        NOT_ADMINISTERED_SUBCODES.has(error.graph.subcode)
      ) {
        return notAdministered('facebook', 'Page');
      }
      return healthOutcome(error);
    }
    if (page.id !== connection.accountId) {
      return healthOutcome(this.graph.unavailable('answered for another object', 200));
    }
    const name = typeof page.name === 'string' && page.name ? page.name : connection.accountName;
    return healthy(connection, name);
  }
}
