import { systemContext, type Clock, type WorkspaceCommands } from '@ledger/commands';
import { DomainError, type WorkspaceCommand } from '@ledger/domain';
import type { LeaseKeeper, LeaseSignal } from '@ledger/leases';
import type { ConfiguredPlatforms } from '@ledger/platforms';
import { publishOutcome } from '@ledger/platforms/publish';
import type { DuePost, DuePostsProjection, DuePostsStore } from '@ledger/read-models/due-posts';
import type { TokenVault } from '@ledger/token-vault';

export type PublishResult =
  | 'published'
  | 'failed'
  | 'expired'
  | 'error'
  | 'rejected'
  | 'transient'
  | 'backing-off'
  | 'busy'
  | 'skipped'
  | 'unsupported';

export interface PublishPostsJobDeps {
  duePosts: DuePostsStore;
  /** Brings `duePosts` up to the end of the event feed before each run. */
  projection: DuePostsProjection;
  workspaces: WorkspaceCommands;
  vault: TokenVault;
  /** Each post's platform: its publisher. */
  platforms: ConfiguredPlatforms;
  leases: LeaseKeeper;
  clock: Clock;
  /** Names this worker in publishing markers. */
  holder?: string;
  batchSize?: number;
}

const LEASE_TTL_MS = 60_000;
const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const CONTEXT = 'post publisher';

export const EXPIRED_CONNECTION_REASON = 'Not published: its connection has expired: reconnect it.';

/**
 * Publishes due posts through the platforms' APIs.
 *
 * Each post is handled under the lease `publish:<postId>`, after re-reading the workspace
 * (a disconnect or a breach response may have failed it meanwhile). A post whose connection
 * is `expired` or `error` fails with that reason. Otherwise the job reads the connection's
 * tokens, and publishes.
 *
 * At most once: before calling the platform the job writes a publishing marker (a unique
 * insert in the due-posts store), completes it with the platform's post id as soon as the
 * platform answers, then records PostPublished. A later run that finds a marker knows an
 * earlier attempt got that far: with a post id it records the publication (a crash between
 * publish and record), without one it does NOT call the platform again but fails the post
 * ("may or may not be live"). The trade-off, chosen on purpose: a crash in the short window
 * between sending the request and keeping the answer, or a request that got no answer, costs
 * the user a post to check and reschedule, never a duplicate post on their account. A failure
 * the platform answered (5xx, rate limit) did not publish: the marker is removed and the post
 * stays scheduled, retried with backoff. The lease only keeps two workers from attempting
 * the same post at once; the marker is what survives a crash.
 */
export class PublishPostsJob {
  private readonly backoff = new Map<string, { until: number; delayMs: number }>();

  constructor(private readonly deps: PublishPostsJobDeps) {}

  async runOnce(): Promise<Map<string, PublishResult>> {
    await this.deps.projection.catchUp();
    const now = this.deps.clock.now();
    const due = await this.deps.duePosts.listDue(now.toISOString(), this.deps.batchSize ?? 200);
    const results = new Map<string, PublishResult>();
    for (const post of due) results.set(post.postId, await this.publishOne(post));
    return results;
  }

  async publishOne(post: DuePost): Promise<PublishResult> {
    const wait = this.backoff.get(post.postId);
    if (wait && wait.until > this.deps.clock.now().getTime()) return 'backing-off';
    const outcome = await this.deps.leases.runExclusively(
      `publish:${post.postId}`,
      LEASE_TTL_MS,
      (signal) => this.underLease(post, signal),
    );
    return outcome.ran ? outcome.value : 'busy';
  }

  private async underLease(post: DuePost, signal: LeaseSignal): Promise<PublishResult> {
    const { state } = await this.deps.workspaces.load(post.workspaceId);
    const pending = state.pendingPosts[post.postId];
    // Published, failed by a disconnect or a breach response, or not there: nothing to do.
    if (!pending) return 'skipped';
    const connection = state.connections[pending.connectionId];
    if (!connection) {
      return this.fail(post, 'Not published: its connection was disconnected.');
    }
    if (connection.status === 'expired') return this.fail(post, EXPIRED_CONNECTION_REASON);
    if (connection.status === 'error') {
      return this.fail(
        post,
        `Not published: its connection is in error: ${connection.statusReason ?? 'the platform reported a problem'}`,
      );
    }
    const publisher = this.deps.platforms.get(pending.platform).publisher;

    const marker = await this.deps.duePosts.publishingMarker(post.postId);
    if (marker?.platformPostId) return this.recordPublished(post, marker.platformPostId);
    if (marker) {
      return this.fail(
        post,
        'Not published: an earlier attempt was interrupted and the post may or may not be live: check the account before scheduling it again.',
      );
    }
    const tokens = await this.deps.vault.read({
      workspaceId: post.workspaceId,
      connectionId: pending.connectionId,
    });
    if (!tokens) {
      return this.fail(
        post,
        'Not published: its connection has no authorization left: reconnect it.',
      );
    }

    signal.throwIfLost();
    const begun = await this.deps.duePosts.beginPublishing({
      postId: post.postId,
      attempt: `${this.deps.holder ?? 'worker'}#${signal.token}`,
      startedAt: this.deps.clock.now().toISOString(),
    });
    if (!begun) return 'busy';
    let platformPostId: string;
    try {
      ({ platformPostId } = await publisher.publish({
        tokens,
        connection: { accountId: connection.accountId, accountType: connection.accountType },
        content: post.content,
      }));
    } catch (error) {
      return this.failed(post, pending.connectionId, error);
    }
    await this.deps.duePosts.completePublishing(post.postId, platformPostId);
    return this.recordPublished(post, platformPostId);
  }

  private async recordPublished(post: DuePost, platformPostId: string): Promise<PublishResult> {
    this.backoff.delete(post.postId);
    await this.execute({
      type: 'RecordPostPublished',
      workspaceId: post.workspaceId,
      postId: post.postId,
      platformPostId,
      now: this.deps.clock.now().toISOString(),
    });
    return 'published';
  }

  private async failed(
    post: DuePost,
    connectionId: string,
    error: unknown,
  ): Promise<PublishResult> {
    const outcome = publishOutcome(error);
    switch (outcome.kind) {
      case 'retry': {
        // The platform answered: it did not publish. Forget the attempt and try again later.
        await this.deps.duePosts.abandonPublishing(post.postId);
        const now = this.deps.clock.now().getTime();
        const previous = this.backoff.get(post.postId)?.delayMs ?? FIRST_BACKOFF_MS / 2;
        const delayMs = Math.min(previous * 2, MAX_BACKOFF_MS);
        const until = Math.max(now + delayMs, outcome.retryAt?.getTime() ?? 0);
        this.backoff.set(post.postId, { until, delayMs });
        return 'transient';
      }
      case 'unknown':
        return this.fail(post, `Not published: ${outcome.reason}`);
      case 'rejected':
        await this.fail(post, `Not published: ${outcome.reason}`);
        return 'rejected';
      case 'expired':
      case 'error':
        await this.fail(
          post,
          outcome.kind === 'expired'
            ? EXPIRED_CONNECTION_REASON
            : `Not published: its connection is in error: ${outcome.reason}`,
        );
        await this.markConnection(post.workspaceId, connectionId, outcome.kind, outcome.reason);
        return outcome.kind;
    }
  }

  private async fail(post: DuePost, reason: string): Promise<PublishResult> {
    this.backoff.delete(post.postId);
    await this.execute({
      type: 'FailPost',
      workspaceId: post.workspaceId,
      postId: post.postId,
      reason,
      now: this.deps.clock.now().toISOString(),
    });
    return 'failed';
  }

  private async markConnection(
    workspaceId: string,
    connectionId: string,
    kind: 'expired' | 'error',
    reason: string,
  ): Promise<void> {
    try {
      await this.execute({
        type: kind === 'expired' ? 'MarkConnectionExpired' : 'MarkConnectionErrored',
        workspaceId,
        connectionId,
        reason,
        now: this.deps.clock.now().toISOString(),
      });
    } catch (error) {
      // Disconnected meanwhile: nothing left to mark.
      if (!(error instanceof DomainError && error.code === 'NOT_FOUND')) throw error;
    }
  }

  private async execute(command: WorkspaceCommand): Promise<void> {
    await this.deps.workspaces.execute(command, systemContext(CONTEXT));
  }
}
