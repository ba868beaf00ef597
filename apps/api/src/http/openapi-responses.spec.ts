import { Body, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import request from 'supertest';
import { AnyRole } from './auth/auth.decorators';
import { HealthController } from './health.controller';
import { ApiProblems } from './openapi-responses';
import { createTestApp, type TestApp } from './testing/test-app';
import { IdempotentPost } from './idempotency/idempotent-post';

class ThingDto {
  @ApiProperty()
  @IsString()
  name!: string;
}

class ThingQuery {
  @ApiProperty({ required: false })
  @IsString()
  tag?: string;
}

@Controller('v1/workspaces/:ws/things')
class ThingsController {
  @Get()
  @AnyRole()
  list(@Param('ws') _ws: string, @Query() _query: ThingQuery): [] {
    return [];
  }

  @Get(':id')
  @AnyRole()
  @ApiOkResponse({ description: 'The thing' })
  @ApiProblems({ 404: '`NOT_FOUND`: no such thing', 429: '`RATE_LIMIT_EXCEEDED`' })
  one(@Param('id') _id: string): object {
    return {};
  }

  @IdempotentPost()
  @AnyRole()
  @ApiCreatedResponse({ type: ThingDto })
  @ApiProblems({ 409: '`ALREADY_THERE`: a thing of that name exists' })
  create(@Body() body: ThingDto): ThingDto {
    return body;
  }
}

interface Operation {
  parameters?: { name: string; in: string }[];
  responses: Record<
    string,
    { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }
  >;
}

describe('OpenAPI: every status the HTTP edge answers is in the document', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    t = await createTestApp({ controllers: [ThingsController, HealthController], openApi: true });
    paths = (await request(t.server).get('/docs-json').expect(200)).body.paths;
  });
  afterAll(() => t.close());

  const problem = {
    'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
  };

  it('declares 401 and 403 problems where a token is needed, and 400 where input is validated', () => {
    const list = paths['/v1/workspaces/{ws}/things'].get;
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '401', '403']);
    for (const status of ['400', '401', '403']) {
      expect(list.responses[status].content).toEqual(problem);
    }
    // Nothing but the path is read: no 400.
    const one = paths['/v1/workspaces/{ws}/things/{id}'].get;
    expect(Object.keys(one.responses).sort()).toEqual(['200', '401', '403', '404', '429']);
    expect(one.responses['404'].content).toEqual(problem);
    expect(one.responses['429'].headers).toHaveProperty('Retry-After');
  });

  it('declares the Idempotency-Key header on POSTs, with its 409 and 422 beside the route’s own, 413 for the body and 503 for a full disk', () => {
    const create = paths['/v1/workspaces/{ws}/things'].post;
    expect(create.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
    expect(Object.keys(create.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '422',
      '503',
    ]);
    expect(create.responses['503'].description).toContain('STORAGE_UNAVAILABLE');
    expect(create.responses['503'].headers).toHaveProperty('Retry-After');
    expect(create.responses['409'].description).toContain('ALREADY_THERE');
    expect(create.responses['409'].description).toContain('IDEMPOTENCY_KEY_IN_USE');
    expect(create.responses['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
  });

  it('adds nothing to a route that takes no token and reads no input', () => {
    expect(Object.keys(paths['/health'].get.responses).sort()).toEqual(['200', '503']);
  });

  it('answers what it declares: a 401 is problem+json', async () => {
    const unauthenticated = await request(t.server).get('/v1/workspaces/w/things');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
