import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startFacebookGraphServer,
  type FacebookGraphServer,
} from '@ledger/testing/platform-servers/graph-api-server';
import { startXApiServer, type XApiServer } from '@ledger/testing/platform-servers/x-api-server';
import type { ConnectionTokens } from '@ledger/token-vault';
import { PlatformApiError } from '../errors';
import { FacebookPostPublisher } from '../facebook/facebook-publish';
import { XPostPublisher } from '../x/x-publish';
import { ThreadsPostPublisher } from '../threads/threads-publish';
import { LinkedInPostPublisher } from '../linkedin/linkedin-publish';
import {
  startThreadsGraphServer,
  type ThreadsGraphServer,
} from '@ledger/testing/platform-servers/threads-graph-server';
import {
  startLinkedInApiServer,
  type LinkedInApiServer,
} from '@ledger/testing/platform-servers/linkedin-api-server';
import { INSTAGRAM_TEXT_ONLY_REASON } from './text-only-reasons';
import { ConfiguredPlatforms } from '../configured-platforms';
import { publishOutcome, PostRejectedError } from './post-publisher';
import { loadPlatformsConfig } from '../platform-config';

const tokens = (accessToken: string): ConnectionTokens => ({
  accessToken,
  refreshToken: null,
  scopes: [],
  expiresAt: null,
  refreshExpiresAt: null,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('XPostPublisher (local X API v2)', () => {
  let x: XApiServer;
  let publisher: XPostPublisher;
  const token = 'x-user-token-0123456789';

  beforeAll(async () => {
    x = await startXApiServer();
    x.registerToken(token, { id: '2244994945', name: 'Ledger', username: 'ledger' });
    publisher = new XPostPublisher({ apiUrl: x.baseUrl });
  });
  afterAll(() => x.stop());
  const target = { accountId: '2244994945', accountType: 'standard' };

  it('posts the text with the bearer token and answers the tweet id', async () => {
    const { platformPostId } = await publisher.publish({
      tokens: tokens(token),
      connection: target,
      content: 'Hello, X',
    });
    expect(x.tweets).toEqual([{ id: platformPostId, text: 'Hello, X', authorId: '2244994945' }]);
  });

  it("refuses duplicate content with X's reason, as a final refusal", async () => {
    const error = await rejection(
      publisher.publish({ tokens: tokens(token), connection: target, content: 'Hello, X' }),
    );
    expect(error).toBeInstanceOf(PostRejectedError);
    expect(publishOutcome(error)).toEqual({
      kind: 'rejected',
      reason: expect.stringMatching(/duplicate content/),
    });
  });

  it('classifies a dead token, a 503 and a rate limit', async () => {
    const dead = await rejection(
      publisher.publish({ tokens: tokens('unknown-token'), connection: target, content: 'x' }),
    );
    expect(publishOutcome(dead).kind).toBe('expired');
    x.failNextTweet({ status: 503, body: { title: 'Service Unavailable' } });
    expect(
      publishOutcome(
        await rejection(
          publisher.publish({ tokens: tokens(token), connection: target, content: 'a' }),
        ),
      ).kind,
    ).toBe('retry');
    const reset = Math.floor(Date.now() / 1000) + 900;
    x.failNextTweet({
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      body: { title: 'Too Many Requests' },
    });
    const limited = await rejection(
      publisher.publish({ tokens: tokens(token), connection: target, content: 'b' }),
    );
    expect(limited).toBeInstanceOf(PlatformApiError);
    expect(publishOutcome(limited)).toMatchObject({
      kind: 'retry',
      retryAt: new Date(reset * 1000),
    });
  });

  it('reports an unreachable API as safe to retry (never sent)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const down = new XPostPublisher({ apiUrl: `http://127.0.0.1:${port}` });
    const error = await rejection(
      down.publish({ tokens: tokens(token), connection: target, content: 'c' }),
    );
    expect(publishOutcome(error).kind).toBe('retry');
  });
});

describe('FacebookPostPublisher (local Graph API)', () => {
  let graph: FacebookGraphServer;
  let publisher: FacebookPostPublisher;
  const pageToken = 'EAAGpage-token-for-101';

  beforeAll(async () => {
    graph = await startFacebookGraphServer({ clientId: '1', clientSecret: 'secret' });
    graph.registerUser('user-token', {
      id: '900',
      name: 'Admin',
      pages: [
        { id: '101', name: 'Bakery', tasks: ['MANAGE', 'CREATE_CONTENT'], access_token: pageToken },
      ],
    });
    publisher = new FacebookPostPublisher({ apiUrl: graph.apiUrl });
  });
  afterAll(() => graph.stop());
  const page = { accountId: '101', accountType: 'page' };

  it('posts the message to the Page feed with the Page token and answers {page}_{post}', async () => {
    const { platformPostId } = await publisher.publish({
      tokens: tokens(pageToken),
      connection: page,
      content: 'Fresh bread at 7',
    });
    expect(platformPostId).toMatch(/^101_\d+$/);
    expect(graph.pageFeed.posts).toEqual([
      { id: platformPostId, pageId: '101', message: 'Fresh bread at 7' },
    ]);
  });

  it("refuses a duplicate (Graph 506) with Meta's words; a user token is a permission problem", async () => {
    const duplicate = await rejection(
      publisher.publish({
        tokens: tokens(pageToken),
        connection: page,
        content: 'Fresh bread at 7',
      }),
    );
    expect(publishOutcome(duplicate)).toEqual({
      kind: 'rejected',
      reason: expect.stringMatching(/Duplicate status message/),
    });
    const userToken = await rejection(
      publisher.publish({ tokens: tokens('user-token'), connection: page, content: 'x' }),
    );
    expect(publishOutcome(userToken).kind).toBe('error');
  });

  it('classifies an expired token (190) and a transient outage', async () => {
    graph.pageFeed.failNext({
      status: 400,
      body: {
        error: {
          message: 'Session has expired',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
        },
      },
    });
    expect(
      publishOutcome(
        await rejection(
          publisher.publish({ tokens: tokens(pageToken), connection: page, content: 'y' }),
        ),
      ).kind,
    ).toBe('expired');
    graph.pageFeed.failNext({
      status: 500,
      body: {
        error: {
          message: 'An unexpected error has occurred.',
          type: 'OAuthException',
          code: 2,
          is_transient: true,
        },
      },
    });
    expect(
      publishOutcome(
        await rejection(
          publisher.publish({ tokens: tokens(pageToken), connection: page, content: 'z' }),
        ),
      ).kind,
    ).toBe('retry');
  });
});

describe('Instagram and TikTok publishers', () => {
  it('refuse text-only posts with a clear, final reason', async () => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig({}));
    for (const platform of ['instagram', 'tiktok'] as const) {
      const error = await rejection(
        platforms.get(platform).publisher.publish({
          tokens: tokens('t'),
          connection: { accountId: '1', accountType: 'business' },
          content: 'Words only',
        }),
      );
      expect(publishOutcome(error).kind).toBe('rejected');
    }
    const instagram = await rejection(
      platforms.get('instagram').publisher.publish({
        tokens: tokens('t'),
        connection: { accountId: '1', accountType: 'business' },
        content: 'Words only',
      }),
    );
    expect((instagram as Error).message).toBe(INSTAGRAM_TEXT_ONLY_REASON);
  });
});

describe('ThreadsPostPublisher (local Threads Graph API)', () => {
  let threads: ThreadsGraphServer;
  let publisher: ThreadsPostPublisher;
  const token = 'THAA-threads-token-0123456789';

  beforeAll(async () => {
    threads = await startThreadsGraphServer({ clientSecret: 'secret' });
    threads.registerToken(token, { id: '31415', username: 'ledger' });
    publisher = new ThreadsPostPublisher({ apiUrl: `${threads.baseUrl}/v1.0` });
  });
  afterAll(() => threads.stop());

  it('creates a TEXT container and publishes it, answering the media id', async () => {
    const { platformPostId } = await publisher.publish({
      tokens: tokens(token),
      connection: { accountId: '31415', accountType: 'profile' },
      content: 'Threads, in two steps',
    });
    expect(threads.threadsPosts).toEqual([
      { id: platformPostId, userId: '31415', text: 'Threads, in two steps' },
    ]);
  });

  it('classifies a token of another user as a permission problem, an unknown one as dead', async () => {
    const other = await rejection(
      publisher.publish({
        tokens: tokens(token),
        connection: { accountId: '27182', accountType: 'profile' },
        content: 'x',
      }),
    );
    expect(publishOutcome(other).kind).toBe('error');
    const dead = await rejection(
      publisher.publish({
        tokens: tokens('nobody'),
        connection: { accountId: '31415', accountType: 'profile' },
        content: 'x',
      }),
    );
    expect(publishOutcome(dead).kind).toBe('expired');
  });
});

describe('LinkedInPostPublisher (local LinkedIn API)', () => {
  let linkedin: LinkedInApiServer;
  let publisher: LinkedInPostPublisher;
  const token = 'AQV-linkedin-token-0123456789';

  beforeAll(async () => {
    linkedin = await startLinkedInApiServer();
    linkedin.registerToken(token, {
      userinfo: { sub: 'abc123', name: 'Ada' },
      roles: [{ organizationId: 5151, role: 'ADMINISTRATOR' }],
    });
    publisher = new LinkedInPostPublisher({ apiUrl: linkedin.baseUrl });
  });
  afterAll(() => linkedin.stop());

  it('posts as the member and as a company page, with versioned headers, id from x-restli-id', async () => {
    const mine = await publisher.publish({
      tokens: tokens(token),
      connection: { accountId: 'urn:li:person:abc123', accountType: 'personal' },
      content: 'Hello (LinkedIn) #launch',
    });
    const page = await publisher.publish({
      tokens: tokens(token),
      connection: { accountId: 'urn:li:organization:5151', accountType: 'company' },
      content: 'From the page',
    });
    expect(linkedin.posts).toEqual([
      {
        id: mine.platformPostId,
        author: 'urn:li:person:abc123',
        commentary: 'Hello \\(LinkedIn\\) \\#launch',
        linkedinVersion: expect.stringMatching(/^\d{6}$/),
      },
      expect.objectContaining({ id: page.platformPostId, author: 'urn:li:organization:5151' }),
    ]);
    expect(mine.platformPostId).toMatch(/^urn:li:share:\d+$/);
  });

  it('refuses a page the member may not post for (error) and a duplicate (rejected)', async () => {
    const other = await rejection(
      publisher.publish({
        tokens: tokens(token),
        connection: { accountId: 'urn:li:organization:999', accountType: 'company' },
        content: 'x',
      }),
    );
    expect(publishOutcome(other).kind).toBe('error');
    const duplicate = await rejection(
      publisher.publish({
        tokens: tokens(token),
        connection: { accountId: 'urn:li:organization:5151', accountType: 'company' },
        content: 'From the page',
      }),
    );
    expect(publishOutcome(duplicate)).toEqual({
      kind: 'rejected',
      reason: expect.stringMatching(/duplicate/),
    });
  });
});
