import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface XApiUser {
  id: string;
  name: string;
  username: string;
  verified_type?: 'blue' | 'business' | 'government' | 'none';
  profile_image_url?: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface XApiServer {
  baseUrl: string;
  /** `GET /2/users/me` with this bearer token answers as `user`. */
  registerToken(accessToken: string, user: XApiUser): void;
  /** `GET /2/users/me` with this bearer token answers `response` instead (403, 429, 503...). */
  scriptResponse(accessToken: string, response: ScriptedResponse): void;
  /** Query strings of the `/2/users/me` requests received, oldest first. */
  readonly userFieldsRequested: string[];
  /** Posts `POST /2/tweets` created, oldest first. */
  readonly tweets: XTweetRecord[];
  /** The next `POST /2/tweets` calls answer these, in order, instead of creating a post. */
  failNextTweet(...responses: ScriptedResponse[]): void;
  stop(): Promise<void>;
}

export interface XTweetRecord {
  id: string;
  text: string;
  /** The X user id that posted it (owner of the bearer token). */
  authorId: string;
}

const UNAUTHORIZED = {
  title: 'Unauthorized',
  type: 'about:blank',
  status: 401,
  detail: 'Unauthorized',
};

/**
 * X API v2 `GET /2/users/me` and `POST /2/tweets` (`{text}` → `201 {data:{id, text,
 * edit_history_tweet_ids}}`, 403 on duplicate content as X answers it) on 127.0.0.1 at a random port, in X's response shapes:
 * `{data:{id,name,username,...}}` with only the requested optional `user.fields`,
 * and a problem body with 401 for any token the test did not register.
 */
export async function startXApiServer(): Promise<XApiServer> {
  const users = new Map<string, XApiUser>();
  const scripted = new Map<string, ScriptedResponse>();
  const userFieldsRequested: string[] = [];
  const tweets: XTweetRecord[] = [];
  const tweetFailures: ScriptedResponse[] = [];
  let nextTweetId = 1850000000000000000n;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/2/tweets') {
      return void readJson(req).then((body) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const user = token === undefined ? undefined : users.get(token);
        const script = token === undefined ? undefined : scripted.get(token);
        if (script) return send(res, script.status, script.body ?? {}, script.headers);
        if (!user) return send(res, 401, UNAUTHORIZED);
        const failure = tweetFailures.shift();
        if (failure) return send(res, failure.status, failure.body ?? {}, failure.headers);
        const text = (body as { text?: unknown } | null)?.text;
        if (typeof text !== 'string' || text.length === 0) {
          return send(res, 400, {
            errors: [{ message: 'Your media IDs are invalid or text is missing.' }],
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.twitter.com/2/problems/invalid-request',
          });
        }
        if (tweets.some((t) => t.authorId === user.id && t.text === text)) {
          return send(res, 403, {
            detail: 'You are not allowed to create a Tweet with duplicate content.',
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
          });
        }
        nextTweetId += 1n;
        const id = String(nextTweetId);
        tweets.push({ id, text, authorId: user.id });
        send(res, 201, { data: { id, text, edit_history_tweet_ids: [id] } });
      });
    }
    if (req.method !== 'GET' || url.pathname !== '/2/users/me') {
      return send(res, 404, {
        title: 'Not Found Error',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      });
    }
    const fields = (url.searchParams.get('user.fields') ?? '').split(',').filter(Boolean);
    userFieldsRequested.push(url.searchParams.get('user.fields') ?? '');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const script = token === undefined ? undefined : scripted.get(token);
    if (script) return send(res, script.status, script.body ?? {}, script.headers);
    const user = token === undefined ? undefined : users.get(token);
    if (!user) return send(res, 401, UNAUTHORIZED);
    const data: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
    for (const field of ['verified_type', 'profile_image_url'] as const) {
      if (fields.includes(field) && user[field] !== undefined) data[field] = user[field];
    }
    send(res, 200, { data });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    registerToken: (accessToken, user) => void users.set(accessToken, user),
    scriptResponse: (accessToken, response) => void scripted.set(accessToken, response),
    userFieldsRequested,
    tweets,
    failNextTweet: (...responses) => void tweetFailures.push(...responses),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The request's JSON body, or null when it has none or it is not JSON. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      try {
        resolve(raw ? JSON.parse(raw) : null);
      } catch {
        resolve(null);
      }
    });
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
