import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  addVary,
  preferredType,
  sendJson,
  type HttpReply,
  type HttpRequest,
} from '../http/http-exchange';
import { Roles } from '../http/auth/auth.decorators';
import { csvHeader, csvRow, jsonLine, streamPages } from './audit-export';
import { AuditPageBody } from './audit-page.response';
import { AuditTrailQuery } from './audit-trail.dto';
import { AuditTrailQueries } from './audit-trail.query';

const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';
const JSON_TYPE = 'application/json';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/audit')
export class AuditTrailController {
  constructor(private readonly queries: AuditTrailQueries) {}

  @Get()
  @Roles('owner', 'admin', 'auditor')
  @ApiOperation({
    summary:
      'Audit trail: every event and refused attempt; filters actor, connectionId, platform, type, from, to; ' +
      'cursor pages as JSON, or the whole selection streamed as CSV (Accept: text/csv) or JSON Lines ' +
      '(Accept: application/x-ndjson)',
  })
  @ApiOkResponse({
    type: AuditPageBody,
    description: 'A page as JSON, or the whole selection as CSV or JSON Lines',
    content: {
      [JSON_TYPE]: { schema: { $ref: getSchemaPath(AuditPageBody) } },
      [CSV]: { schema: { type: 'string' } },
      [NDJSON]: { schema: { type: 'string' } },
    },
  })
  async list(
    @Param('ws') workspaceId: string,
    @Query() query: AuditTrailQuery,
    @Req() request: HttpRequest,
    @Res() response: HttpReply,
  ): Promise<void> {
    const wanted = preferredType(request.headers.accept, [JSON_TYPE, CSV, NDJSON]);
    addVary(response, 'Accept');
    if (wanted !== CSV && wanted !== NDJSON) {
      sendJson(response, 200, await this.queries.page(workspaceId, query));
      return;
    }
    this.queries.check(query);
    const pages = this.queries.pages(workspaceId, query);
    // Read the first page before any byte goes out, so a failure can still be a problem.
    const first = await pages.next();
    const name = `audit-${workspaceId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    response.code(200);
    response.header('Cache-Control', 'no-store');
    response.header('X-Content-Type-Options', 'nosniff');
    if (wanted === CSV) {
      response.header('Content-Type', 'text/csv; charset=utf-8');
      response.header('Content-Disposition', `attachment; filename="${name}.csv"`);
    } else {
      response.header('Content-Type', 'application/x-ndjson; charset=utf-8');
      response.header('Content-Disposition', `attachment; filename="${name}.jsonl"`);
    }
    async function* all() {
      if (!first.done) yield first.value;
      yield* pages;
    }
    await streamPages(
      response,
      all(),
      wanted === CSV ? csvHeader() : '',
      wanted === CSV ? csvRow : jsonLine,
    );
  }
}
