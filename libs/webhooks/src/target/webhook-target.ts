import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonPublicKind } from './non-public-addresses';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. Tests inject one; the default asks the system. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export interface WebhookTargetRules {
  /**
   * Let webhooks reach loopback, private and other non-public addresses. Only for local
   * development (a receiver on 127.0.0.1); production refuses to start with it.
   */
  allowPrivateTargets: boolean;
  /** Refuse plain `http:` (default false). */
  requireHttps?: boolean;
}

/** Why a webhook URL may not be used, in words safe to record: never the URL or an address. */
export class WebhookTargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

/** Suffixes that name the host itself or a local network (RFC 6761, 6762, 8375, ICANN). */
const LOCAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/;

/**
 * Parses and checks a webhook URL without asking DNS: http(s) only, no credentials, and a host
 * that is not a non-public IP literal (numeric forms such as 2130706433 or 0x7f.1 are
 * normalised to 127.0.0.1 by the URL parser first) nor a local or single-label name. The
 * resolved addresses are checked again at every send (pinWebhookAddress).
 */
export function checkWebhookUrl(raw: string, rules: WebhookTargetRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetRefused('url must be an absolute URL');
  }
  const allowed = rules.requireHttps ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(url.protocol)) {
    throw new WebhookTargetRefused(
      `url must use ${allowed.map((p) => p.slice(0, -1)).join(' or ')}`,
    );
  }
  if (url.username || url.password) {
    throw new WebhookTargetRefused('url must not carry credentials');
  }
  if (rules.allowPrivateTargets) return url;
  const host = hostOf(url);
  if (isIP(host)) {
    const kind = nonPublicKind(host);
    if (kind) throw new WebhookTargetRefused(`url must not point at a ${kind} address`);
  } else if (!host.includes('.') || LOCAL_NAME.test(host)) {
    throw new WebhookTargetRefused('url must name a public host, not a local one');
  }
  return url;
}

/**
 * The address to connect to for `url`: its host resolved now, every address checked (one
 * non-public address refuses the lot, so a name cannot mix a public and a private answer),
 * and the first one returned. The caller connects to that address only, so a DNS answer that
 * changes between this check and the connection (rebinding) is never used.
 */
export async function pinWebhookAddress(
  url: URL,
  rules: WebhookTargetRules,
  resolve: ResolveHost,
): Promise<ResolvedAddress> {
  const host = hostOf(url);
  const family = isIP(host);
  const addresses: ResolvedAddress[] =
    family === 0 ? await resolve(host) : [{ address: host, family: family === 6 ? 6 : 4 }];
  if (addresses.length === 0) throw new WebhookTargetRefused('the webhook host has no address');
  if (!rules.allowPrivateTargets) {
    for (const { address } of addresses) {
      const kind = nonPublicKind(address);
      if (kind) throw new WebhookTargetRefused(`the webhook host resolves to a ${kind} address`);
    }
  }
  return addresses[0];
}

/** The host without IPv6 brackets or a trailing dot (`localhost.` is `localhost`). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}
