import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import type { HttpReply, HttpRequest } from '../http/http-exchange';
import type { Role } from '../http/auth/access-claims';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { ApiProblems } from '../http/openapi-responses';
import { decodeCursor, NEXT_PAGE_HEADERS, pageOf, PageQuery } from '../http/pages';
import { ConnectionHistoryQuery, type HistoryEntry } from '@ledger/runtime';
import { HistoryEntryBody } from './history.response';

/**
 * Who may see where an actor was (IP) and with what (user agent): the roles that read the
 * audit trail. Editors use connections; they see who did what, not from where.
 */
const SEES_CLIENT_DETAILS: ReadonlySet<Role | undefined> = new Set(['owner', 'admin', 'auditor']);

@ApiTags('audit')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/history')
export class ConnectionHistoryController {
  constructor(private readonly history: ConnectionHistoryQuery) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({
    summary:
      'Every event of one connection, disconnected ones included, oldest first; cursor pages ' +
      '(`limit`, the `Next-Cursor` header); `actor.ip` and `actor.userAgent` are null for editors',
  })
  @ApiOkResponse({ type: [HistoryEntryBody], headers: NEXT_PAGE_HEADERS })
  @ApiProblems({ 404: '`NOT_FOUND`: no connection with this id ever was in this workspace' })
  async get(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
    @Query() query: PageQuery,
    @CurrentActor() caller: Actor,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpReply,
  ): Promise<HistoryEntry[]> {
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, isRevision);
    const entries = await this.history.forConnection(workspaceId, connectionId);
    const after = cursor && ((entry: HistoryEntry) => entry.revision > cursor[0]);
    const page = pageOf(entries, query, (entry) => [entry.revision], after, request, response);
    if (SEES_CLIENT_DETAILS.has(caller.role)) return page;
    return page.map((entry) => ({
      ...entry,
      actor: { ...entry.actor, ip: null, userAgent: null },
    }));
  }
}

function isRevision(position: unknown): position is [number] {
  return (
    Array.isArray(position) &&
    position.length === 1 &&
    Number.isSafeInteger(position[0]) &&
    (position[0] as number) >= 0
  );
}
