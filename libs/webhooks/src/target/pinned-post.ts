import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { hostOf, type ResolvedAddress } from './webhook-target';

export interface PinnedPost {
  url: URL;
  /** The checked address: the connection goes there, never to a fresh DNS answer. */
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string;
  /** Ends the attempt wherever it is (connecting, sending, waiting for the status line). */
  deadline: AbortSignal;
}

/**
 * POSTs to `url` over a connection to `address`, keeping the URL's host in `Host` and, for
 * https, in SNI and the certificate check. Resolves with the status code as soon as it is
 * known: the answer's body is never read (the socket is destroyed), so a receiver cannot make
 * us read or wait for an endless body. No redirects are followed, no agent keeps the socket.
 */
export function postPinned(post: PinnedPost): Promise<number> {
  const { url, address, deadline } = post;
  const host = hostOf(url);
  const https = url.protocol === 'https:';
  const body = Buffer.from(post.body, 'utf8');
  return new Promise<number>((resolve, reject) => {
    if (deadline.aborted) return reject(deadline.reason as Error);
    const req = (https ? httpsRequest : httpRequest)({
      host: address.address,
      family: address.family,
      port: url.port || (https ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...post.headers, Host: url.host, 'Content-Length': String(body.length) },
      agent: false,
      // SNI may not carry an IP address (RFC 6066); the certificate is checked against `host`.
      ...(https && !isIP(host) ? { servername: host } : {}),
    });
    const onAbort = () => req.destroy(deadline.reason as Error);
    deadline.addEventListener('abort', onAbort, { once: true });
    const settle = () => deadline.removeEventListener('abort', onAbort);
    req.on('response', (response) => {
      settle();
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    req.end(body);
  });
}
