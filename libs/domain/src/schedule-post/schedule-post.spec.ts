import { foldWorkspace } from '../workspace/state';
import { connected, given, mainSet, T0, T1, WS } from '../testing/given-when-then';
import type { PostScheduled } from '../publishing-events';
import type { SchedulePost } from './schedule-post';

const starter = {
  type: 'WorkspacePlanChanged' as const,
  data: { workspaceId: WS, plan: 'starter' as const, previousPlan: 'free' as const, at: T0 },
};
const a = connected({ connectionId: 'a', accountType: 'standard' });
const b = connected({ connectionId: 'b', accountType: 'premium' });
const history = [starter, a, mainSet('a'), b];
const schedule = (over: Partial<SchedulePost> = {}): SchedulePost => ({
  type: 'SchedulePost',
  workspaceId: WS,
  postId: 'p1',
  platform: 'x',
  content: 'Hello',
  publishAt: '2026-02-01T09:00:00.000Z',
  now: T1,
  ...over,
});
const scheduled = (connectionId: string, over: Record<string, unknown> = {}): PostScheduled => ({
  type: 'PostScheduled',
  data: {
    workspaceId: WS,
    postId: 'p1',
    connectionId,
    platform: 'x',
    content: 'Hello',
    publishAt: '2026-02-01T09:00:00.000Z',
    campaignId: null,
    at: T1,
    ...over,
  },
});
const campaign = (targets: { platform: 'x'; connectionId: string | null }[]) => ({
  type: 'CampaignCreated' as const,
  data: { workspaceId: WS, campaignId: 'c1', name: 'Launch', targets, at: T0 },
});

describe('scheduling a post', () => {
  it('uses the main account when the post names none', () => {
    given(history)
      .when(schedule())
      .then([scheduled('a')]);
  });

  it('uses the named account, or the campaign’s account for the platform', () => {
    given(history)
      .when(schedule({ connectionId: 'b' }))
      .then([scheduled('b')]);
    given([...history, campaign([{ platform: 'x', connectionId: 'b' }])])
      .when(schedule({ campaignId: 'c1' }))
      .then([scheduled('b', { campaignId: 'c1' })]);
  });

  it('says so when the platform has no main account and the post names none', () => {
    const error = given([starter, b])
      .when(schedule())
      .thenRefused('NO_MAIN_ACCOUNT', { platform: 'x' });
    expect(error.message).toMatch(/set one as main/);
  });

  it('refuses a post longer than the account allows: X Standard 280, Premium longer', () => {
    const long = 'x'.repeat(281);
    given(history)
      .when(schedule({ content: long }))
      .thenRefused('POST_TOO_LONG', { limit: 280 });
    given(history)
      .when(schedule({ content: long, connectionId: 'b' }))
      .then([scheduled('b', { content: long })]);
  });

  it('refuses a text post on Instagram and TikTok (they publish only media), on any account', () => {
    const ig = connected({ connectionId: 'ig', platform: 'instagram', accountType: 'business' });
    const tt = connected({ connectionId: 'tt', platform: 'tiktok', accountType: 'business' });
    const withMediaPlatforms = [...history, ig, mainSet('ig', null, 'instagram'), tt];
    const refused = given(withMediaPlatforms)
      .when(schedule({ platform: 'instagram' }))
      .thenRefused('MEDIA_REQUIRED', { platform: 'instagram' });
    expect(refused.message).toMatch(/image or video/);
    given(withMediaPlatforms)
      .when(schedule({ platform: 'tiktok', connectionId: 'tt' }))
      .thenRefused('MEDIA_REQUIRED', { platform: 'tiktok' });
    // Even with no account to choose: the post could never be published anywhere there.
    given(history)
      .when(schedule({ platform: 'tiktok' }))
      .thenRefused('MEDIA_REQUIRED');
  });

  it('refuses an unknown account or campaign', () => {
    given(history)
      .when(schedule({ connectionId: 'nope' }))
      .thenRefused('NOT_FOUND');
    given(history)
      .when(schedule({ campaignId: 'nope' }))
      .thenRefused('NOT_FOUND');
  });
});

describe('what a disconnect does to posts and campaigns', () => {
  const withPosts = [
    ...history,
    campaign([{ platform: 'x', connectionId: null }]),
    scheduled('a'),
    scheduled('b', { postId: 'p2' }),
  ];

  it('fails each pending post of the connection at once, caused by the disconnect, and flags campaigns that relied on it', () => {
    given(withPosts)
      .when({
        type: 'DisconnectAccount',
        workspaceId: WS,
        connectionId: 'a',
        reason: 'user request',
        now: T1,
      })
      .then([
        expect.objectContaining({ type: 'ConnectionDisconnected' }),
        {
          type: 'PostFailed',
          data: {
            workspaceId: WS,
            postId: 'p1',
            connectionId: 'a',
            reason: expect.stringContaining('disconnected'),
            causedByConnectionId: 'a',
            at: T1,
          },
        },
        {
          type: 'CampaignFlagged',
          data: {
            workspaceId: WS,
            campaignId: 'c1',
            connectionId: 'a',
            reason: expect.stringContaining('choose another account'),
            at: T1,
          },
        },
      ]);
  });

  it('leaves other connections’ posts pending', () => {
    const state = foldWorkspace(withPosts);
    expect(Object.keys(state.pendingPosts).sort()).toEqual(['p1', 'p2']);
    given(withPosts)
      .when({
        type: 'DisconnectAccount',
        workspaceId: WS,
        connectionId: 'b',
        reason: 'user request',
        now: T1,
      })
      .then([
        expect.objectContaining({ type: 'ConnectionDisconnected' }),
        expect.objectContaining({
          type: 'PostFailed',
          data: expect.objectContaining({ postId: 'p2' }),
        }),
      ]);
  });

  it('records a published or failed post once', () => {
    given(withPosts)
      .when({
        type: 'RecordPostPublished',
        workspaceId: WS,
        postId: 'p1',
        platformPostId: '1790',
        now: T1,
      })
      .then([
        {
          type: 'PostPublished',
          data: {
            workspaceId: WS,
            postId: 'p1',
            connectionId: 'a',
            platformPostId: '1790',
            at: T1,
          },
        },
      ]);
    const published = {
      type: 'PostPublished' as const,
      data: { workspaceId: WS, postId: 'p1', connectionId: 'a', platformPostId: '1790', at: T1 },
    };
    given([...withPosts, published])
      .when({ type: 'FailPost', workspaceId: WS, postId: 'p1', reason: 'late', now: T1 })
      .then([]);
  });
});
