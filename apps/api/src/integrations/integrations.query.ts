import { Inject, Injectable } from '@nestjs/common';
import { accountLimit, DEFAULT_PLAN, PLATFORMS, type Plan, type Platform } from '@ledger/domain';
import type { WorkspaceReadModel } from '@ledger/read-models';
import { WORKSPACE_READ_MODEL } from '@ledger/runtime';

export interface PlatformCard {
  platform: Platform;
  /** null: unlimited. */
  limit: number | null;
  connected: number;
  mainConnectionId: string | null;
  health: { active: number; error: number; expired: number };
}

export interface IntegrationsPage {
  plan: Plan;
  platforms: PlatformCard[];
}

/** The Integrations page: one card per platform, from the connections read model. */
@Injectable()
export class IntegrationsQuery {
  constructor(@Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel) {}

  async forWorkspace(workspaceId: string): Promise<IntegrationsPage> {
    const [plan, connections] = await Promise.all([
      this.readModel.getPlan(workspaceId),
      this.readModel.listConnections(workspaceId),
    ]);
    const effectivePlan = plan ?? DEFAULT_PLAN;
    return {
      plan: effectivePlan,
      platforms: PLATFORMS.map((platform) => {
        const mine = connections.filter((c) => c.platform === platform);
        const count = (status: string) => mine.filter((c) => c.status === status).length;
        return {
          platform,
          limit: accountLimit(effectivePlan),
          connected: mine.length,
          mainConnectionId: mine.find((c) => c.isMain)?.id ?? null,
          health: { active: count('active'), error: count('error'), expired: count('expired') },
        };
      }),
    };
  }
}
