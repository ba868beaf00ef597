import autocannon from 'autocannon';
import type { ApiProcess } from '../support/api-process';

export interface HttpCommandsResult {
  clients: number;
  commandsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  commands: number;
  /** Responses other than 2xx, and socket errors/timeouts: must be 0 for a valid run. */
  failures: number;
}

/**
 * Commands over HTTP: `clients` keep-alive connections, each the owner of its own workspace,
 * each changing its plan back and forth (`PUT /v1/workspaces/{ws}/plan`) as fast as answers
 * come. Every answer comes after the event is durable (synchronous=FULL) and the read model
 * shows it (read-your-writes), as for any client.
 */
export async function measureHttpCommands(
  api: ApiProcess,
  clients: number,
  durationSeconds: number,
): Promise<HttpCommandsResult> {
  let next = 0;
  const requestsFor = (workspaceId: string) => {
    const headers = {
      authorization: `Bearer ${api.tokenFor(workspaceId)}`,
      'content-type': 'application/json',
    };
    const path = `/v1/workspaces/${workspaceId}/plan`;
    return ['starter', 'professional'].map((plan) => ({
      method: 'PUT' as const,
      path,
      headers,
      body: JSON.stringify({ plan }),
    }));
  };
  const result = await autocannon({
    url: api.baseUrl,
    connections: clients,
    duration: durationSeconds,
    requests: requestsFor('unused'),
    setupClient: (client) => client.setRequests(requestsFor(`http-${clients}-${next++}`)),
  });
  const commands = result['2xx'];
  return {
    clients,
    commandsPerSecond: commands / durationSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    commands,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The framework's floor on this machine: `GET /health` (no token, no command; its readiness
 * probes read the stores) with the same clients. No command can be answered faster than this.
 */
export async function measureHttpFloor(api: ApiProcess, clients: number, durationSeconds: number) {
  const result = await autocannon({
    url: `${api.baseUrl}/health`,
    connections: clients,
    duration: durationSeconds,
  });
  return {
    requestsPerSecond: result['2xx'] / durationSeconds,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
