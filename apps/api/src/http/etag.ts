import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { HttpReply, HttpRequest } from './http-exchange';
import { validationFailed } from './problem';

/**
 * A resource's version as an entity tag. Weak by default (`W/"3"`): the version identifies the
 * state, not the exact bytes (fields may be added to the JSON without a new version).
 */
export function formatEtag(version: number, options: { weak?: boolean } = {}): string {
  return options.weak === false ? `"${version}"` : `W/"${version}"`;
}

export function setEtag(reply: HttpReply, version: number, options?: { weak?: boolean }): void {
  reply.header('ETag', formatEtag(version, options));
}

const ENTITY_TAG = /^(?:W\/)?"(\d{1,15})"$/;

/**
 * The version an `If-Match` header expects: undefined when absent or `*` (any version).
 * Weak and strong tags both name a version here, since this API issues both for one value.
 * A list is allowed if every tag names the same version (a command expects exactly one).
 * Malformed: 400 VALIDATION_FAILED naming the header.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  if (raw === '*') return undefined;
  const versions = new Set<number>();
  for (const part of raw.split(',')) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) throw malformed('If-Match must be "*" or an entity tag such as W/"3"');
    versions.add(Number(match[1]));
  }
  if (versions.size !== 1) throw malformed('If-Match must name exactly one version');
  return [...versions][0];
}

function malformed(message: string) {
  return validationFailed('The If-Match header is malformed', [
    { field: 'If-Match', messages: [message] },
  ]);
}

/** `@IfMatchVersion() expectedVersion: number | undefined` in a controller method. */
export const IfMatchVersion = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  parseIfMatch(context.switchToHttp().getRequest<HttpRequest>().headers['if-match']),
);
