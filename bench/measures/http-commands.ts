import type { ApiProcess } from '../support/api-process';
import type { Slot } from '../support/load-tool';

/**
 * Command slots for the HTTP benchmark: each workspace's owner changes its plan back and forth
 * (`PUT /v1/workspaces/{ws}/plan`). Every answer comes after the event is durable
 * (synchronous=FULL) and the read model shows it (read-your-writes), as for any client.
 * Twice as many workspaces as clients (wrk-rotate.lua keeps one request of each in flight),
 * each with a pre-minted token.
 */
export function planChangeSlots(api: ApiProcess, name: string, clients: number): Slot[] {
  return Array.from({ length: clients * 2 }, (_, i) => {
    const workspaceId = `http-${name}-${i}`;
    const token = api.tokenFor(workspaceId);
    const path = `/v1/workspaces/${workspaceId}/plan`;
    return ['starter', 'professional'].map((plan) => ({
      method: 'PUT' as const,
      path,
      token,
      body: JSON.stringify({ plan }),
    }));
  });
}

/** Read slots: one GET of `route` (`integrations`, `connections`) per workspace, in turn. */
export function readSlots(api: ApiProcess, workspaceIds: string[], route: string): Slot[] {
  return workspaceIds.map((workspaceId) => [
    {
      method: 'GET' as const,
      path: `/v1/workspaces/${workspaceId}/${route}`,
      token: api.tokenFor(workspaceId),
    },
  ]);
}
