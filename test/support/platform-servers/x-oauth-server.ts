import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface XOAuthServerOptions {
  clientId: string;
  clientSecret: string;
  /** The exact redirect URIs registered for the client. */
  redirectUris: string[];
}

export interface TokenRequestRecord {
  grantType: string;
  /** Client id from the HTTP Basic header, null when there was none. */
  basicClientId: string | null;
  bodyKeys: string[];
}

export interface XOAuthServer {
  baseUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
  /** The next token request answers `status` with `body` (e.g. a 503 outage). */
  failNextTokenRequest(status: number, body?: unknown): Promise<void>;
  tokenRequests(): Promise<TokenRequestRecord[]>;
  /** The next `POST /2/oauth2/revoke` answers `status` and revokes nothing (e.g. a 500). */
  failNextRevocation(status: number): Promise<void>;
  /** `POST /2/oauth2/revoke` calls received, oldest first (a revoked refresh token is dead). */
  revocations(): Promise<XRevocationRecord[]>;
  /**
   * A token pair as a completed consent would yield it (`offline.access` in `scope` brings a
   * refresh token), so refresh tests need no browser flow.
   */
  issueTokens(scope?: string): Promise<XTokenResponse>;
  stop(): Promise<void>;
}

export interface XRevocationRecord {
  token: string;
  tokenTypeHint: string | null;
  /** True when it was a live refresh token (now dead). */
  known: boolean;
}

/** X's token endpoint answer. */
export interface XTokenResponse {
  token_type: string;
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
}

/**
 * Starts X's authorization and token endpoints (oauth2-mock-server, customised in
 * x-oauth-mock-process.mjs) on 127.0.0.1 at a random port, in a child process.
 */
export async function startXOAuthServer(options: XOAuthServerOptions): Promise<XOAuthServer> {
  const child = spawn(process.execPath, [join(__dirname, 'x-oauth-mock-process.mjs')], {
    env: {
      ...process.env,
      X_MOCK_CLIENT_ID: options.clientId,
      X_MOCK_CLIENT_SECRET: options.clientSecret,
      X_MOCK_REDIRECT_URIS: options.redirectUris.join(','),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await readPort(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    authorizationUrl: `${baseUrl}/i/oauth2/authorize`,
    tokenUrl: `${baseUrl}/2/oauth2/token`,
    async failNextTokenRequest(status, body) {
      const response = await fetch(`${baseUrl}/__test/fail-next-token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status, body }),
      });
      if (response.status !== 204) throw new Error(`mock refused the failure (${response.status})`);
    },
    async failNextRevocation(status) {
      const response = await fetch(`${baseUrl}/__test/fail-next-revoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status }),
      });
      if (response.status !== 204) throw new Error(`mock refused the failure (${response.status})`);
    },
    async tokenRequests() {
      return (await (
        await fetch(`${baseUrl}/__test/token-requests`)
      ).json()) as TokenRequestRecord[];
    },
    async revocations() {
      return (await (await fetch(`${baseUrl}/__test/revocations`)).json()) as XRevocationRecord[];
    },
    async issueTokens(scope = 'tweet.read tweet.write users.read offline.access') {
      const response = await fetch(`${baseUrl}/__test/issue-tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ scope }),
      });
      if (response.status !== 200) throw new Error(`mock refused to issue (${response.status})`);
      return (await response.json()) as XTokenResponse;
    },
    stop: () => stopChild(child),
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('X OAuth mock did not start within 10 s')),
      10_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`X OAuth mock exited early (code ${code})`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin!.end();
  });
}
