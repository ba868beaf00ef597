import { GRAPH_PLATFORM_LABELS, GraphApiError } from '../meta/graph-errors';
import { graphId, graphPost } from '../publish/graph-publish';
import type { PostPublisher, PublishedPost, PublishRequest } from '../publish/post-publisher';

export interface FacebookPublisherOptions {
  /** Versioned Graph base, e.g. https://graph.facebook.com/v26.0 (FACEBOOK_API_URL). */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * A Facebook Page post: `POST /{page-id}/feed` with `message`, authenticated with the Page
 * token the connection keeps (pages_manage_posts); Graph answers `{id: "{page-id}_{post-id}"}`.
 * Error 190 is a dead token, 10/200-299 a missing permission, 368 (policy block) and 506
 * (duplicate post) refusals of the post.
 */
export class FacebookPostPublisher implements PostPublisher {
  readonly platform = 'facebook' as const;
  private readonly timeoutMs: number;

  constructor(private readonly options: FacebookPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async publish({ tokens, connection, content }: PublishRequest): Promise<PublishedPost> {
    const body = await graphPost<{ id?: unknown }>({
      platform: 'facebook',
      apiUrl: this.options.apiUrl,
      path: `${encodeURIComponent(connection.accountId)}/feed`,
      params: { message: content },
      accessToken: tokens.accessToken,
      what: 'publishing to the Page',
      timeoutMs: this.timeoutMs,
    });
    const id = graphId(body.id);
    if (!id) {
      throw new GraphApiError(
        'PLATFORM_UNAVAILABLE',
        'facebook',
        `${GRAPH_PLATFORM_LABELS.facebook} answered the Page post without a post id`,
        200,
        null,
        { code: null, subcode: null, type: null, fbtraceId: null },
      );
    }
    return { platformPostId: id };
  }
}
