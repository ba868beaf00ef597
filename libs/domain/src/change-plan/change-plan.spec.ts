import { foldWorkspace } from '../workspace/state';
import { given, T1, WS } from '../testing/given-when-then';

describe('change the plan', () => {
  it('starts every new workspace on the free plan', () => {
    expect(foldWorkspace([]).plan).toBe('free');
  });

  it('records the change with the previous plan', () => {
    given([])
      .when({ type: 'ChangePlan', workspaceId: WS, plan: 'professional', now: T1 })
      .then([
        {
          type: 'WorkspacePlanChanged',
          data: { workspaceId: WS, plan: 'professional', previousPlan: 'free', at: T1 },
        },
      ]);
  });

  it('does nothing when the plan is unchanged', () => {
    given([]).when({ type: 'ChangePlan', workspaceId: WS, plan: 'free', now: T1 }).then([]);
  });
});
