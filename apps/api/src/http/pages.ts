import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { requestPath, type HttpReply, type HttpRequest } from './http-exchange';
import type { ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { validationFailed } from './problem';

export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 1000;

/**
 * `limit` and `cursor` of a list whose body stays a plain array (history, posts): the next
 * page is named by the `Next-Cursor` and `Link: <...>; rel="next"` headers, absent on the
 * last page (docs/decisions/0013-array-lists-page-by-headers.md).
 */
export class PageQuery {
  @ApiPropertyOptional({
    description: 'The `Next-Cursor` header of the previous page',
    maxLength: 200,
    pattern: '^[A-Za-z0-9_-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a Next-Cursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX)
  limit?: number;
}

export const NEXT_PAGE_HEADERS: ResponseObject['headers'] = {
  'Next-Cursor': {
    description: 'Pass as `cursor` for the next page; absent on the last page',
    required: false,
    schema: { type: 'string' },
  },
  Link: {
    description: 'RFC 8288 `<...>; rel="next"`: the next page; absent on the last page',
    required: false,
    schema: { type: 'string' },
  },
};

/** An opaque cursor for a position (a list of strings and numbers). */
export function encodeCursor(position: (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor names, checked by `valid`; anything else is 400 VALIDATION_FAILED. */
export function decodeCursor<T>(cursor: string, valid: (position: unknown) => position is T): T {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  if (!valid(position)) {
    throw validationFailed('The cursor is not one this API returned', [
      { field: 'cursor', messages: ['cursor must be a Next-Cursor this API returned'] },
    ]);
  }
  return position;
}

/**
 * One page of `items` (already in their stable order) after the cursor's position: `after`
 * says whether an item comes after it. Sets the next-page headers when more remain.
 */
export function pageOf<T>(
  items: readonly T[],
  query: PageQuery,
  positionOf: (item: T) => (string | number)[],
  after: ((item: T) => boolean) | null,
  request: HttpRequest,
  response: HttpReply,
): T[] {
  const limit = query.limit ?? PAGE_DEFAULT;
  const start = after ? items.findIndex(after) : 0;
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, limit);
  if (rest.length > limit) setNextPage(request, response, encodeCursor(positionOf(page.at(-1)!)));
  return page;
}

function setNextPage(request: HttpRequest, response: HttpReply, cursor: string): void {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value === 'string' && name !== 'cursor') params.set(name, value);
  }
  params.set('cursor', cursor);
  response.header('Next-Cursor', cursor);
  response.header('Link', `<${requestPath(request)}?${params}>; rel="next"`);
}
