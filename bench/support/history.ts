import { randomUUID } from 'node:crypto';
import {
  decide,
  evolve,
  initialWorkspaceState,
  workspaceStream,
  type Platform,
  type WorkspaceCommand,
  type WorkspaceEvent,
  type WorkspaceState,
} from '@ledger/domain';
import { metadataFor } from '@ledger/commands';
import type { EventStore, EventToAppend } from '@ledger/event-store';

const PLATFORMS: Platform[] = ['facebook', 'instagram', 'x', 'tiktok', 'linkedin'];
const DAY_MS = 86_400_000;

/** A small deterministic PRNG (mulberry32): the same history on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkspaceHistory {
  workspaceId: string;
  events: WorkspaceEvent[];
  /** Instants of the first and last event (ISO), for as-of queries inside the history. */
  from: string;
  to: string;
}

/**
 * A year of one workspace's life, decided by the real deciders: a plan upgrade, a few accounts
 * connected, then mostly daily token refreshes with the odd rename, main-account change,
 * disconnect and reconnect. Roughly `eventCount` events.
 */
export function workspaceHistory(
  workspaceId: string,
  eventCount: number,
  seed: number,
  endMs: number,
): WorkspaceHistory {
  const next = random(seed);
  const events: WorkspaceEvent[] = [];
  let state: WorkspaceState = initialWorkspaceState;
  let now = endMs - 365 * DAY_MS;
  const step = (365 * DAY_MS) / Math.max(1, eventCount);
  const run = (command: WorkspaceCommand) => {
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      events.push(event);
    }
  };
  const at = () => new Date((now += step * (0.5 + next()))).toISOString();
  const connect = (platform: Platform) =>
    run({
      type: 'ConnectAccount',
      workspaceId,
      connectionId: randomUUID(),
      platform,
      account: {
        accountId: `${platform}-${Math.floor(next() * 1e12)}`,
        accountName: `${workspaceId} on ${platform}`,
        accountType: 'business',
        // Only a Page admin may connect a Facebook Page; the bench's user is one.
        ...(platform === 'facebook' ? { pageRole: 'admin' as const } : {}),
      },
      scopes: ['read', 'publish'],
      tokenExpiresAt: new Date(now + 60 * DAY_MS).toISOString(),
      now: at(),
    });

  run({ type: 'ChangePlan', workspaceId, plan: 'professional', now: at() });
  for (const platform of PLATFORMS.slice(0, 2 + Math.floor(next() * 3))) connect(platform);

  while (events.length < eventCount) {
    const connected = Object.values(state.connections);
    const connection = connected[Math.floor(next() * connected.length)];
    const roll = next();
    if (!connection || roll < 0.02) {
      try {
        connect(PLATFORMS[Math.floor(next() * PLATFORMS.length)]);
      } catch {
        // At the plan limit for that platform: the user is refused, nothing recorded.
      }
    } else if (roll < 0.04 && connected.length > 1) {
      run({
        type: 'DisconnectAccount',
        workspaceId,
        connectionId: connection.id,
        reason: 'user',
        now: at(),
      });
    } else if (roll < 0.07) {
      run({
        type: 'RecordAccountRenamed',
        workspaceId,
        connectionId: connection.id,
        accountName: `renamed ${Math.floor(next() * 1e6)}`,
        now: at(),
      });
    } else if (roll < 0.1) {
      try {
        run({ type: 'SetMainAccount', workspaceId, connectionId: connection.id, now: at() });
      } catch {
        // Already the main account: nothing to record.
      }
    } else {
      const now2 = at();
      run({
        type: 'RecordTokensRefreshed',
        workspaceId,
        connectionId: connection.id,
        tokenExpiresAt: new Date(Date.parse(now2) + 60 * DAY_MS).toISOString(),
        trigger: 'scheduled',
        now: now2,
      });
    }
  }
  const instants = events.map((e) => e.data.at);
  return { workspaceId, events, from: instants[0], to: instants[instants.length - 1] };
}

const CONTEXT = {
  commandId: 'bench',
  actor: { userId: 'bench-user', role: 'owner', ip: '127.0.0.1', userAgent: 'bench' },
  correlationId: 'bench',
};

export function toAppend(events: WorkspaceEvent[]): EventToAppend[] {
  return events.map((event) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: metadataFor({ ...CONTEXT, correlationId: randomUUID() }),
  }));
}

export interface HistoryStats {
  workspaces: WorkspaceHistory[];
  events: number;
  ms: number;
}

/**
 * Writes `workspaces` histories of `eventsPerWorkspace` events through the store's own append
 * (so the hash chain is real), 100 events per append and many appends in flight at once.
 */
export async function writeHistory(
  store: EventStore,
  workspaces: number,
  eventsPerWorkspace: number,
  onProgress?: (events: number) => void,
): Promise<HistoryStats> {
  const started = Date.now();
  const endMs = Date.now();
  const histories: WorkspaceHistory[] = [];
  let written = 0;
  const inFlight = 64;
  for (let first = 0; first < workspaces; first += inFlight) {
    const batch: WorkspaceHistory[] = [];
    for (let i = first; i < Math.min(workspaces, first + inFlight); i++) {
      batch.push(workspaceHistory(`bench-ws-${i}`, eventsPerWorkspace, i + 1, endMs));
    }
    await Promise.all(
      batch.map(async (history) => {
        const stream = workspaceStream(history.workspaceId);
        let revision: number | 'no_stream' = 'no_stream';
        for (let i = 0; i < history.events.length; i += 100) {
          const chunk = toAppend(history.events.slice(i, i + 100));
          revision = (await store.append(stream, chunk, revision)).nextExpectedRevision;
        }
        written += history.events.length;
      }),
    );
    // Keep only what as-of queries need, not a million events in memory.
    for (const h of batch) histories.push({ ...h, events: [] });
    onProgress?.(written);
  }
  return { workspaces: histories, events: written, ms: Date.now() - started };
}
