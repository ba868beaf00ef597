import type { ApiProcess } from '../support/api-process';
import type { WorkspaceHistory } from '../support/history';
import { msSince, percentile } from '../support/stats';

/**
 * As-of over HTTP: `GET /v1/workspaces/{ws}/connections?asOf=<instant>` for random workspaces
 * at random instants inside their year of history, one request at a time, on a store holding
 * the whole history (a million events at full size). Each answer must list connections.
 */
export async function measureAsOf(api: ApiProcess, histories: WorkspaceHistory[], queries: number) {
  const samples: number[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < queries; i++) {
    const history = histories[Math.floor(next() * histories.length)];
    const from = Date.parse(history.from);
    const instant = new Date(from + (Date.parse(history.to) - from) * (0.05 + 0.95 * next()));
    const url = `${api.baseUrl}/v1/workspaces/${history.workspaceId}/connections?asOf=${instant.toISOString()}`;
    const headers = { authorization: `Bearer ${api.tokenFor(history.workspaceId)}` };
    const started = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as unknown;
    const ms = msSince(started);
    if (!res.ok || !Array.isArray(body) || body.length === 0) {
      throw new Error(`as-of answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    if (i >= 10) samples.push(ms); // the first few warm the process up
  }
  return {
    queries: samples.length,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
  };
}
