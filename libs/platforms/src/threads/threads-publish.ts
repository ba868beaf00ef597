import { GRAPH_PLATFORM_LABELS, GraphApiError } from '../meta/graph-errors';
import { graphId, graphPost } from '../publish/graph-publish';
import type { PostPublisher, PublishedPost, PublishRequest } from '../publish/post-publisher';

export interface ThreadsPublisherOptions {
  /** Versioned Threads Graph base, e.g. https://graph.threads.com/v1.0 (THREADS_API_URL). */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * A Threads text post, in Meta's two steps: `POST /{threads-user-id}/threads` with
 * `media_type=TEXT&text=...` creates a container (`{id}`), then
 * `POST /{threads-user-id}/threads_publish` with `creation_id={container id}` publishes it
 * (`{id}`: the media id). Only the second step makes anything public, so a failed first step
 * is always safe to retry.
 */
export class ThreadsPostPublisher implements PostPublisher {
  readonly platform = 'threads' as const;
  private readonly timeoutMs: number;

  constructor(private readonly options: ThreadsPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async publish({ tokens, connection, content }: PublishRequest): Promise<PublishedPost> {
    const user = encodeURIComponent(connection.accountId);
    const common = {
      platform: 'threads' as const,
      apiUrl: this.options.apiUrl,
      accessToken: tokens.accessToken,
      timeoutMs: this.timeoutMs,
    };
    const container = await graphPost<{ id?: unknown }>({
      ...common,
      path: `${user}/threads`,
      params: { media_type: 'TEXT', text: content },
      what: 'creating the Threads post',
    });
    const creationId = graphId(container.id);
    if (!creationId) throw missingId('creating the Threads post');
    const published = await graphPost<{ id?: unknown }>({
      ...common,
      path: `${user}/threads_publish`,
      params: { creation_id: creationId },
      what: 'publishing the Threads post',
    });
    const id = graphId(published.id);
    if (!id) throw missingId('publishing the Threads post');
    return { platformPostId: id };
  }
}

function missingId(what: string): GraphApiError {
  return new GraphApiError(
    'PLATFORM_UNAVAILABLE',
    'threads',
    `${GRAPH_PLATFORM_LABELS.threads} answered without an id while ${what}`,
    200,
    null,
    { code: null, subcode: null, type: null, fbtraceId: null },
  );
}
