import {
  isWorkspaceEvent,
  workspaceStream,
  type CampaignTarget,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';

export interface CampaignView {
  id: string;
  workspaceId: string;
  name: string;
  targets: CampaignTarget[];
  createdAt: string;
  /** Connections the campaign relied on that were disconnected: choose other accounts. */
  flags: { connectionId: string; reason: string; at: string }[];
}

/** A workspace's campaigns and their flags, folded from its stream. */
export async function campaignsOf(store: EventStore, workspaceId: string): Promise<CampaignView[]> {
  const campaigns = new Map<string, CampaignView>();
  for await (const recorded of store.readStream<WorkspaceEvent>(workspaceStream(workspaceId))) {
    if (!isWorkspaceEvent(recorded)) continue;
    const event = recorded;
    if (event.type === 'CampaignCreated') {
      const d = event.data;
      campaigns.set(d.campaignId, {
        id: d.campaignId,
        workspaceId,
        name: d.name,
        targets: d.targets,
        createdAt: d.at,
        flags: [],
      });
    } else if (event.type === 'CampaignFlagged') {
      const { campaignId, connectionId, reason, at } = event.data;
      campaigns.get(campaignId)?.flags.push({ connectionId, reason, at });
    }
  }
  return [...campaigns.values()];
}
