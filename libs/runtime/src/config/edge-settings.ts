import { isIP } from 'node:net';

/**
 * Which proxies the HTTP edge may believe about the client's address (X-Forwarded-For), as
 * Fastify's `trustProxy` (and Express's `trust proxy`) take them: false (the socket's peer is
 * the client), a hop count, or the addresses/CIDRs (or `loopback`, `linklocal`, `uniquelocal`)
 * of the trusted proxies.
 */
export type TrustProxy = false | number | string[];

/** The HTTP edge's settings (issue 10): what a client can see and claim about itself. */
export interface EdgeSettings {
  /** Serve /docs and /docs-json (DOCS_ENABLED; default: on outside production, off in it). */
  docsEnabled: boolean;
  /** TRUST_PROXY: default false, so a client cannot choose the IP recorded for it. */
  trustProxy: TrustProxy;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Reads DOCS_ENABLED and TRUST_PROXY; problems name the variable, never echo its value. */
export function parseEdgeSettings(
  value: (name: string) => string | undefined,
  isProduction: boolean,
  problems: string[],
): EdgeSettings {
  return {
    docsEnabled: parseBoolean(value('DOCS_ENABLED'), !isProduction, 'DOCS_ENABLED', problems),
    trustProxy: parseTrustProxy(value('TRUST_PROXY'), problems),
  };
}

function parseBoolean(
  raw: string | undefined,
  fallback: boolean,
  name: string,
  problems: string[],
): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  problems.push(`${name} must be true or false`);
  return fallback;
}

function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
  } else if (raw !== 'true') {
    const entries = raw.split(',').map((entry) => entry.trim());
    if (entries.every(isProxyAddress)) return entries;
  }
  // `true` would take the left-most X-Forwarded-For entry, which the client writes itself.
  problems.push(
    'TRUST_PROXY must be false, a hop count (1-10), or a comma-separated list of proxy ' +
      'addresses or CIDRs (or loopback, linklocal, uniquelocal)',
  );
  return false;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}
