import {
  claimAccount,
  evolveAccountClaim,
  initialAccountClaimState,
  releaseAccount,
} from '../account-claim/account-claim';
import { PROTOTYPE_NAMES } from '../testing/prototype-names';
import { connected, given, T0, T1, WS } from '../testing/given-when-then';
import { foldWorkspace, initialWorkspaceState } from './state';

const a = connected({ connectionId: 'a', accountId: 'acct-a' });
const base = { workspaceId: WS, now: T1 };

describe.each(PROTOTYPE_NAMES)('an id named %s', (name) => {
  it('is no connection: disconnect, main, reconnect, health, refresh and rename are NOT_FOUND', () => {
    const refused = [
      { ...base, type: 'DisconnectAccount' as const, connectionId: name, reason: 'user' },
      { ...base, type: 'SetMainAccount' as const, connectionId: name },
      {
        ...base,
        type: 'ReconnectAccount' as const,
        connectionId: name,
        account: { accountId: 'acct-a', accountName: 'A', accountType: 'standard' },
        scopes: [],
        tokenExpiresAt: null,
      },
      { ...base, type: 'MarkConnectionExpired' as const, connectionId: name, reason: 'r' },
      { ...base, type: 'MarkConnectionErrored' as const, connectionId: name, reason: 'r' },
      { ...base, type: 'RestoreConnection' as const, connectionId: name, reason: 'r' },
      {
        ...base,
        type: 'RecordTokensRefreshed' as const,
        connectionId: name,
        tokenExpiresAt: null,
        trigger: 'manual' as const,
      },
      { ...base, type: 'RecordAccountRenamed' as const, connectionId: name, accountName: 'B' },
    ];
    for (const command of refused) {
      given([]).when(command).thenRefused('NOT_FOUND', { connectionId: name });
      given([a]).when(command).thenRefused('NOT_FOUND', { connectionId: name });
    }
  });

  it('is no campaign and no connection to schedule a post on', () => {
    const post = {
      ...base,
      type: 'SchedulePost' as const,
      postId: 'p1',
      platform: 'x' as const,
      content: 'hello',
      publishAt: T1,
    };
    given([a])
      .when({ ...post, campaignId: name })
      .thenRefused('NOT_FOUND', { campaignId: name });
    given([a])
      .when({ ...post, connectionId: name })
      .thenRefused('NOT_FOUND', { connectionId: name });
  });

  it('is no pending post: publishing or failing it records nothing', () => {
    given([])
      .when({ ...base, type: 'RecordPostPublished', postId: name, platformPostId: 'x1' })
      .then([]);
    given([])
      .when({ ...base, type: 'FailPost', postId: name, reason: 'r' })
      .then([]);
  });

  it('is a new campaign id, not an existing campaign, and no campaign target', () => {
    const campaign = {
      ...base,
      type: 'CreateCampaign' as const,
      campaignId: name,
      name: 'Launch',
      targets: [{ platform: 'x' as const, connectionId: null }],
    };
    given([a])
      .when(campaign)
      .then([
        {
          type: 'CampaignCreated',
          data: {
            workspaceId: WS,
            campaignId: name,
            name: 'Launch',
            targets: [{ platform: 'x', connectionId: null }],
            at: T1,
          },
        },
      ]);
    given([a])
      .when({ ...campaign, campaignId: 'c1', targets: [{ platform: 'x', connectionId: name }] })
      .thenRefused('NOT_FOUND', { connectionId: name });
  });

  it('can be a connection id that evolve keeps as its own entry', () => {
    const state = foldWorkspace([connected({ connectionId: name, accountId: 'acct-p' })]);
    expect(Object.keys(state.connections)).toEqual([name]);
    expect(state.connections[name]).toMatchObject({ id: name, accountId: 'acct-p', version: 1 });
    expect(Object.keys(initialWorkspaceState.connections)).toEqual([]);
  });

  it('is no holder of an account claim, and a workspace of that name can claim and release', () => {
    const claim = {
      type: 'ClaimAccount' as const,
      platform: 'x' as const,
      accountId: 'acct-1',
      workspaceId: name,
      connectionId: 'c1',
      via: 'oauth' as const,
      holdersWithoutConnection: [],
      now: T0,
    };
    const claimed = claimAccount(claim, initialAccountClaimState);
    expect(claimed).toEqual([
      { type: 'AccountClaimed', data: expect.objectContaining({ workspaceId: name }) },
    ]);
    const held = evolveAccountClaim(initialAccountClaimState, claimed[0]);
    expect(Object.keys(held.holders)).toEqual([name]);
    expect(claimAccount(claim, held)).toEqual([]);
    expect(() => claimAccount({ ...claim, workspaceId: 'other' }, held)).toThrow(
      'already connected in another workspace',
    );
    const release = { ...claim, type: 'ReleaseAccount' as const };
    expect(releaseAccount(release, initialAccountClaimState)).toEqual([]);
    const released = releaseAccount(release, held);
    expect(released).toHaveLength(1);
    expect(Object.keys(evolveAccountClaim(held, released[0]).holders)).toEqual([]);
  });
});
