import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Connection = Schemas['ConnectionBody'];
export type Platform = Connection['platform'];
export type Plan = Schemas['IntegrationsBody']['plan'];

/** A problem+json answer, with the members some codes add (upgrade, retryAfterSeconds...). */
export type Problem = Schemas['ProblemDetails'] & {
  plan?: Plan;
  limit?: number;
  platform?: Platform;
  retryAfterSeconds?: number;
  upgrade?: { hint: string; plans: Plan[] };
};

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
}

/** The typed client of the API on this same origin, sending the session's bearer token. */
export function apiClient(token: () => string | null) {
  const client = createClient<paths>({ baseUrl: location.origin });
  client.use({
    onRequest({ request }) {
      const bearer = token();
      if (bearer) request.headers.set('Authorization', `Bearer ${bearer}`);
      return request;
    },
  });
  return client;
}

export type Api = ReturnType<typeof apiClient>;

/** The answer's data, or the problem thrown (a network failure becomes one too). */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The API did not answer. Is it running?',
      code: 'NETWORK_ERROR',
    });
  }
  if (result.response.ok) return result.data as T;
  const error = result.error as Partial<Problem> | undefined;
  throw new ApiProblem({
    type: 'about:blank',
    title: error?.title ?? result.response.statusText,
    status: result.response.status,
    detail: error?.detail ?? '',
    code: error?.code ?? `HTTP_${result.response.status}`,
    ...error,
  });
}

export const PLATFORM_LABELS: Record<Platform, string> = {
  facebook: 'Facebook Pages',
  instagram: 'Instagram',
  x: 'X',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
  threads: 'Threads',
};

export const PLANS: Plan[] = ['free', 'starter', 'professional', 'enterprise'];
