import fc from 'fast-check';
import { DomainError } from '../errors';
import { workspaceStream, type WorkspaceEvent } from '../events';
import { malformedEventReason } from '../feed-event';
import { PROTOTYPE_NAMES } from '../testing/prototype-names';
import { connected, mainSet, T0, T1, WS } from '../testing/given-when-then';
import { decide, type WorkspaceCommand } from './decide';
import { evolve, foldWorkspace, type WorkspaceState } from './state';

/** Ids a caller can send: anything, the empty one, prototype member names and the live ids. */
const anyId = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, '', ' ', 'c-x', 'c-ig', 'camp-1', 'post-1'),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
/** Ids the service mints for new things (connections, campaigns, posts): never empty. */
const newId = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ minLength: 1 }));

/** A workspace with connections, a main, a campaign and a pending post to aim at. */
const history: WorkspaceEvent[] = [
  connected({ connectionId: 'c-x', accountId: 'acct-x' }),
  mainSet('c-x'),
  connected({ connectionId: 'c-ig', accountId: 'acct-ig', platform: 'instagram' }),
  {
    type: 'CampaignCreated',
    data: {
      workspaceId: WS,
      campaignId: 'camp-1',
      name: 'Launch',
      targets: [{ platform: 'x', connectionId: 'c-x' }],
      at: T0,
    },
  },
  {
    type: 'PostScheduled',
    data: {
      workspaceId: WS,
      postId: 'post-1',
      connectionId: 'c-x',
      platform: 'x',
      content: 'hello',
      publishAt: T1,
      campaignId: 'camp-1',
      at: T0,
    },
  },
];

const base = { workspaceId: WS, now: T1 };
const account = { accountId: 'acct-new', accountName: 'New', accountType: 'standard' };

const command: fc.Arbitrary<WorkspaceCommand> = fc.oneof(
  anyId.map((id) => ({
    ...base,
    type: 'DisconnectAccount' as const,
    connectionId: id,
    reason: 'r',
  })),
  anyId.map((id) => ({ ...base, type: 'SetMainAccount' as const, connectionId: id })),
  anyId.map((id) => ({
    ...base,
    type: 'ReconnectAccount' as const,
    connectionId: id,
    account: { ...account, accountId: 'acct-x' },
    scopes: [],
    tokenExpiresAt: null,
  })),
  anyId.map((id) => ({
    ...base,
    type: 'MarkConnectionExpired' as const,
    connectionId: id,
    reason: 'r',
  })),
  anyId.map((id) => ({
    ...base,
    type: 'MarkConnectionErrored' as const,
    connectionId: id,
    reason: 'r',
  })),
  anyId.map((id) => ({
    ...base,
    type: 'RestoreConnection' as const,
    connectionId: id,
    reason: 'r',
  })),
  anyId.map((id) => ({
    ...base,
    type: 'RecordTokensRefreshed' as const,
    connectionId: id,
    tokenExpiresAt: null,
    trigger: 'scheduled' as const,
  })),
  anyId.map((id) => ({
    ...base,
    type: 'RecordAccountRenamed' as const,
    connectionId: id,
    accountName: 'Renamed',
  })),
  newId.map((id) => ({
    ...base,
    type: 'ConnectAccount' as const,
    connectionId: id,
    platform: 'linkedin' as const,
    account,
    scopes: [],
    tokenExpiresAt: null,
  })),
  fc.record({ campaignId: newId, target: fc.option(anyId) }).map(({ campaignId, target }) => ({
    ...base,
    type: 'CreateCampaign' as const,
    campaignId,
    name: 'Campaign',
    targets: [{ platform: 'x' as const, connectionId: target }],
  })),
  fc
    .record({ postId: newId, connectionId: fc.option(anyId), campaignId: fc.option(anyId) })
    .map((ids) => ({
      ...base,
      ...ids,
      type: 'SchedulePost' as const,
      platform: 'x' as const,
      content: 'hi',
      publishAt: T1,
    })),
  anyId.map((id) => ({
    ...base,
    type: 'RecordPostPublished' as const,
    postId: id,
    platformPostId: 'x-1',
  })),
  anyId.map((id) => ({ ...base, type: 'FailPost' as const, postId: id, reason: 'r' })),
);

/** The ids an event may name: the state's live ones, or new ones the command brings. */
function namesOnlyKnownIds(event: WorkspaceEvent, state: WorkspaceState, cmd: WorkspaceCommand) {
  const data = event.data as unknown as Record<string, unknown>;
  const known = (map: Readonly<Record<string, unknown>>, id: unknown, own?: string) =>
    typeof id === 'string' && (Object.hasOwn(map, id) || id === own);
  const newConnection = cmd.type === 'ConnectAccount' ? cmd.connectionId : undefined;
  const newPost = cmd.type === 'SchedulePost' ? cmd.postId : undefined;
  const newCampaign = cmd.type === 'CreateCampaign' ? cmd.campaignId : undefined;
  if ('connectionId' in data) {
    expect(known(state.connections, data.connectionId, newConnection)).toBe(true);
  }
  if ('postId' in data) expect(known(state.pendingPosts, data.postId, newPost)).toBe(true);
  if ('campaignId' in data && data.campaignId !== null) {
    expect(known(state.campaigns, data.campaignId, newCampaign)).toBe(true);
  }
}

describe('ids a caller chooses, prototype names included (fast-check)', () => {
  it('never make a decider produce an event without its ids, or naming an id that does not exist', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 8 }), (commands) => {
        let state = foldWorkspace(history);
        for (const cmd of commands) {
          let events: WorkspaceEvent[];
          try {
            events = decide(cmd, state);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            continue;
          }
          for (const [revision, event] of events.entries()) {
            const recorded = { streamId: workspaceStream(WS), revision, ...event };
            expect(malformedEventReason(recorded)).toBeNull();
            namesOnlyKnownIds(event, state, cmd);
          }
          state = events.reduce(evolve, state);
        }
      }),
      { numRuns: 500 },
    );
  });
});
