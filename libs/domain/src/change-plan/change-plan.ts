import type { WorkspacePlanChanged } from '../events';
import type { Plan } from '../plan';
import type { WorkspaceState } from '../workspace/state';

export interface ChangePlan {
  type: 'ChangePlan';
  workspaceId: string;
  plan: Plan;
  now: string;
}

/**
 * A downgrade keeps every existing connection: the limit only refuses new ones until the
 * workspace is back under it (see connectAccount).
 */
export function changePlan(command: ChangePlan, state: WorkspaceState): WorkspacePlanChanged[] {
  if (command.plan === state.plan) return [];
  return [
    {
      type: 'WorkspacePlanChanged',
      data: {
        workspaceId: command.workspaceId,
        plan: command.plan,
        previousPlan: state.plan,
        at: command.now,
      },
    },
  ];
}
