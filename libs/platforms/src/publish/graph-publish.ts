import type { Platform } from '@ledger/domain';
import {
  classifyGraphError,
  graphErrorDetail,
  GRAPH_PLATFORM_LABELS,
  GraphApiError,
} from '../meta/graph-errors';
import { readJsonBody, boundedFetch } from '../http';
import { plainReason, PostRejectedError, requestFailed } from './post-publisher';

/** 1 and 2: Meta's own temporary failures, even on a 4xx. */
const OUTAGE_CODES = new Set([1, 2]);

/**
 * `POST {apiUrl}/{path}` on a Graph host (Facebook, Threads) with form parameters and the
 * token as `Authorization: Bearer` (never in the URL). Answers the JSON body; a failure is a
 * GraphApiError (token, permission, account, rate limit, outage), or a PostRejectedError when
 * Meta refused the request itself (a 4xx it does not call transient and that names neither
 * the token, a permission, the account nor a limit: duplicate post, invalid parameter...).
 */
export async function graphPost<T>(options: {
  platform: Platform;
  apiUrl: string;
  path: string;
  params: Record<string, string>;
  accessToken: string;
  what: string;
  timeoutMs: number;
}): Promise<T> {
  const { platform, what } = options;
  const url = new URL(options.path.replace(/^\/+/, ''), `${options.apiUrl.replace(/\/+$/, '')}/`);
  let response: Response;
  try {
    response = await boundedFetch(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${options.accessToken}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(options.params).toString(),
        redirect: 'error',
      },
      options.timeoutMs,
    );
  } catch (cause) {
    throw requestFailed(platform, what, cause);
  }
  const body = await readJsonBody(response);
  const detail = graphErrorDetail(body);
  if (!response.ok || detail) {
    const error = classifyGraphError(
      platform,
      what,
      response.status,
      body,
      response.headers,
      new Date(),
    );
    const code = typeof detail?.code === 'number' ? detail.code : null;
    const refused =
      error.code === 'PLATFORM_UNAVAILABLE' &&
      response.status >= 400 &&
      response.status < 500 &&
      detail?.is_transient !== true &&
      !(code !== null && OUTAGE_CODES.has(code));
    if (refused) {
      const said =
        plainReason((detail as { error_user_msg?: unknown } | null)?.error_user_msg) ??
        plainReason(detail?.message);
      throw new PostRejectedError(
        platform,
        `${GRAPH_PLATFORM_LABELS[platform]} refused the post: ${said ?? `HTTP ${response.status}`}`,
        response.status,
      );
    }
    throw error;
  }
  if (typeof body !== 'object' || body === null) {
    throw new GraphApiError(
      'PLATFORM_UNAVAILABLE',
      platform,
      `${GRAPH_PLATFORM_LABELS[platform]} API answered without JSON while ${what}`,
      response.status,
      null,
      { code: null, subcode: null, type: null, fbtraceId: null },
    );
  }
  return body as T;
}

/** A Graph object id as Meta returns them: digits, or `{page}_{post}` for Page posts. */
export function graphId(value: unknown): string | null {
  return typeof value === 'string' && /^\d{1,40}(_\d{1,40})?$/.test(value) ? value : null;
}
