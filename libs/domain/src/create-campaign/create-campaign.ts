import { DomainError } from '../errors';
import type { CampaignCreated, CampaignTarget } from '../publishing-events';
import { entryOf } from '../id-map';
import type { WorkspaceState } from '../workspace/state';

export interface CreateCampaign {
  type: 'CreateCampaign';
  workspaceId: string;
  campaignId: string;
  name: string;
  targets: CampaignTarget[];
  now: string;
}

/** A campaign names platforms and, per platform, an account or none (then the main account). */
export function createCampaign(command: CreateCampaign, state: WorkspaceState): CampaignCreated[] {
  if (entryOf(state.campaigns, command.campaignId)) return [];
  const seen = new Set<string>();
  for (const target of command.targets) {
    if (seen.has(target.platform)) {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `A campaign names ${target.platform} once.`,
        {
          platform: target.platform,
        },
      );
    }
    seen.add(target.platform);
    const named = target.connectionId ?? null;
    const connection = named !== null ? entryOf(state.connections, named) : null;
    if (named !== null && connection?.platform !== target.platform) {
      throw new DomainError(
        'NOT_FOUND',
        `No ${target.platform} connection ${target.connectionId} in this workspace.`,
        {
          connectionId: target.connectionId,
        },
      );
    }
  }
  return [
    {
      type: 'CampaignCreated',
      data: {
        workspaceId: command.workspaceId,
        campaignId: command.campaignId,
        name: command.name,
        targets: command.targets.map((t) => ({ ...t })),
        at: command.now,
      },
    },
  ];
}
