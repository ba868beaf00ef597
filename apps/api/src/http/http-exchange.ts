import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * The request as our code reads it: what `@Req()` gives a controller, and the request in
 * guards, interceptors and filters. Fastify's request has it all; nothing else of the
 * framework's request is used, so the framework stays at the edge (http-edge.ts).
 */
export interface HttpRequest {
  readonly method: string;
  /** Path and query string, as the client sent them. */
  readonly url: string;
  /** The same, as Fastify keeps it even when a rewrite changed `url`. */
  readonly originalUrl?: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: Readonly<Record<string, unknown>>;
  /** The matched route's params (none on a request no route matched). */
  readonly params?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** The client's address, as TRUST_PROXY lets the edge believe X-Forwarded-For. */
  readonly ip: string;
}

/**
 * The response as our code writes it: what `@Res()` gives a controller. Fastify's reply has
 * it all; `raw` is Node's response, for streaming.
 */
export interface HttpReply {
  readonly statusCode: number;
  /** True once the response was sent (or hijacked to be written through `raw`). */
  readonly sent: boolean;
  readonly raw: ServerResponse;
  code(statusCode: number): HttpReply;
  header(name: string, value: string | number | readonly string[]): HttpReply;
  getHeader(name: string): string | number | string[] | undefined;
  getHeaders(): Record<string, string | number | string[] | undefined>;
  type(contentType: string): HttpReply;
  send(payload?: unknown): HttpReply;
  /** Tells the framework the response is written through `raw` from now on. */
  hijack(): HttpReply;
}

/** Path without the query string: query strings can carry OAuth codes and state. */
export function requestPath(request: Pick<HttpRequest, 'url' | 'originalUrl'>): string {
  const url = request.originalUrl ?? request.url ?? '';
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

/** A route param of the matched route, if it is a string. */
export function routeParam(request: Pick<HttpRequest, 'params'>, name: string): string | undefined {
  const value: unknown = request.params?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** A redirect with an empty body (the caller sends it, or Nest does on `passthrough`). */
export function setRedirect(reply: HttpReply, status: number, location: string): void {
  reply.code(status).header('Location', location);
}

/** Sends a redirect now: for handlers that own the response (`@Res()` without passthrough). */
export function sendRedirect(reply: HttpReply, status: number, location: string): void {
  setRedirect(reply, status, location);
  reply.send();
}

/** Sends a JSON body (with its UTF-8 content type) now. */
export function sendJson(reply: HttpReply, status: number, body: unknown): void {
  reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * The media type of `offered` (in the server's order of preference) that the `Accept` header
 * prefers, as Express's `req.accepts` chose: highest quality first, then the more specific
 * range, then the server's order; no header is `*\/*`. False when none is acceptable.
 */
export function preferredType(
  accept: string | undefined,
  offered: readonly string[],
): string | false {
  const ranges = parseAccept(accept ?? '*/*');
  let best: { type: string; q: number; specificity: number; order: number } | undefined;
  for (const type of offered) {
    const [main, sub] = type.toLowerCase().split('/');
    let match: { q: number; specificity: number; order: number } | null = null;
    for (const range of ranges) {
      const specificity =
        range.main === main && range.sub === sub
          ? 2
          : range.main === main && range.sub === '*'
            ? 1
            : range.main === '*' && range.sub === '*'
              ? 0
              : -1;
      if (specificity < 0) continue;
      if (
        !match ||
        specificity > match.specificity ||
        (specificity === match.specificity && range.order < match.order)
      ) {
        match = { q: range.q, specificity, order: range.order };
      }
    }
    if (!match || match.q <= 0) continue;
    if (
      !best ||
      match.q > best.q ||
      (match.q === best.q && match.specificity > best.specificity) ||
      (match.q === best.q && match.specificity === best.specificity && match.order < best.order)
    ) {
      best = { type, ...match };
    }
  }
  return best?.type ?? false;
}

function parseAccept(header: string): { main: string; sub: string; q: number; order: number }[] {
  const ranges: { main: string; sub: string; q: number; order: number }[] = [];
  header.split(',').forEach((part, order) => {
    const [range, ...params] = part.trim().split(';');
    const [main, sub] = (range ?? '').trim().toLowerCase().split('/');
    if (!main || !sub) return;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.trim().split('=');
      if (name?.trim().toLowerCase() === 'q') q = Number(value);
    }
    if (Number.isNaN(q)) q = 0;
    ranges.push({ main, sub, q, order });
  });
  return ranges;
}

/** Adds `field` to the response's `Vary` header. */
export function addVary(reply: HttpReply, field: string): void {
  const current = reply.getHeader('Vary');
  const fields = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (!fields.some((f) => f === '*' || f.toLowerCase() === field.toLowerCase())) {
    fields.push(field);
  }
  reply.header('Vary', fields.join(', '));
}
