import { join } from 'node:path';
import { DomainError, workspaceStream, type ConnectAccount } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { makeTempDir } from '@ledger/testing/temp-dir';
import type { CommandContext } from './command-context';
import { metadataFor, WorkspaceCommands } from './workspace-commands';

const ws = 'ws-stale-cache';
const now = '2025-03-01T10:00:00.000Z';
let n = 0;
const context = (): CommandContext => {
  const id = `command-${++n}`;
  return {
    commandId: id,
    actor: { userId: 'u', role: 'owner', ip: null, userAgent: null },
    correlationId: id,
  };
};
const connectX = (accountId: string): ConnectAccount => ({
  type: 'ConnectAccount',
  workspaceId: ws,
  connectionId: `connection-${accountId}`,
  platform: 'x',
  account: { accountId, accountName: accountId, accountType: 'personal' },
  scopes: ['tweet.read'],
  tokenExpiresAt: null,
  now,
});

// Two API processes on one file: `here` has the workspace cached, `elsewhere` changes it.
describe('WorkspaceCommands with a cache another process has made stale', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let stores: SqliteEventStore[];
  let here: WorkspaceCommands;
  let elsewhere: WorkspaceCommands;

  beforeEach(async () => {
    dir = makeTempDir('ledger-stale-cache-');
    const path = join(dir.path, 'events.sqlite');
    stores = [new SqliteEventStore({ path }), new SqliteEventStore({ path })];
    here = new WorkspaceCommands(stores[0]);
    elsewhere = new WorkspaceCommands(stores[1]);
    await here.execute(connectX('first'), context()); // free plan: one X account, now cached
  });

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    dir.remove();
  });

  it('connects past the old plan limit once the plan was upgraded elsewhere', async () => {
    await elsewhere.execute(
      { type: 'ChangePlan', workspaceId: ws, plan: 'starter', now },
      context(),
    );

    const result = await here.execute(connectX('second'), context());

    expect(result.events.map((e) => e.type)).toEqual(['ConnectionConnected']);
    expect(Object.keys(result.state.connections)).toHaveLength(2);
  });

  it('still refuses past the limit when nothing changed elsewhere', async () => {
    await expect(here.execute(connectX('second'), context())).rejects.toBeInstanceOf(DomainError);
  });

  it('records nothing when the change was already made elsewhere', async () => {
    await elsewhere.execute(
      { type: 'ChangePlan', workspaceId: ws, plan: 'starter', now },
      context(),
    );

    const result = await here.execute(
      { type: 'ChangePlan', workspaceId: ws, plan: 'starter', now },
      context(),
    );

    expect(result).toMatchObject({ events: [], position: null });
  });

  it('appends after the events made elsewhere, in order, without losing either', async () => {
    await elsewhere.execute(
      { type: 'ChangePlan', workspaceId: ws, plan: 'starter', now },
      context(),
    );
    await here.execute(
      { type: 'ChangePlan', workspaceId: ws, plan: 'professional', now },
      context(),
    );

    const types: string[] = [];
    for await (const e of stores[0].readStream(workspaceStream(ws))) {
      types.push(`${e.revision}:${e.type}:${String(e.data.plan ?? '')}`);
    }
    expect(types).toEqual([
      '0:ConnectionConnected:',
      '1:MainAccountSet:',
      '2:WorkspacePlanChanged:starter',
      '3:WorkspacePlanChanged:professional',
    ]);
  });
});

describe('WorkspaceCommands and malformed events', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let commands: WorkspaceCommands;
  const stream = workspaceStream(ws);
  const streamLength = async () => {
    let length = 0;
    for await (const _ of store.readStream(stream)) length += 1;
    return length;
  };

  beforeEach(() => {
    dir = makeTempDir('ledger-malformed-');
    store = new SqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    commands = new WorkspaceCommands(store);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('refuses to append an event that would lack an id, and appends nothing', async () => {
    const command = { ...connectX('a'), account: { ...connectX('a').account, accountId: '' } };
    await expect(commands.execute(command, context())).rejects.toThrow(
      'Refusing to append a malformed ConnectionConnected: its accountId is missing or malformed',
    );
    expect(await streamLength()).toBe(0);
  });

  it('decides past a malformed event already in the stream, as the feed consumers skip it', async () => {
    await commands.execute(connectX('a'), context());
    // A campaign without targets, as a bug could have appended it: folding it would break the
    // disconnect, which looks for the campaigns that use the connection.
    await store.append(
      stream,
      [
        {
          id: '9d0c1f4e-0000-4000-8000-000000000001',
          type: 'CampaignCreated',
          data: { workspaceId: ws, campaignId: 'camp', name: 'Broken', at: now },
          metadata: metadataFor(context()),
        },
      ],
      'any',
    );
    const fresh = new WorkspaceCommands(store);
    const result = await fresh.execute(
      {
        type: 'DisconnectAccount',
        workspaceId: ws,
        connectionId: 'connection-a',
        reason: 'user',
        now,
      },
      context(),
    );
    expect(result.events.map((e) => e.type)).toEqual(['ConnectionDisconnected']);
    expect(Object.keys(result.state.campaigns)).toEqual([]);
  });
});
