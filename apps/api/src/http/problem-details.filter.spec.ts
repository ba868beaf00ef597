import { Body, Controller, Get, HttpCode, Param } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import request from 'supertest';
import { DomainError, type DomainErrorCode } from '@ledger/domain';
import { WrongExpectedRevisionError } from '@ledger/event-store';
import { signTestToken } from '@ledger/testing/jwt';
import { Public } from './auth/auth.decorators';
import { RateLimitExceededError } from './rate-limit-exceeded.error';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from './testing/test-app';
import { IdempotentPost } from './idempotency/idempotent-post';

class AddressDto {
  @IsString()
  @MinLength(2)
  city!: string;
}

class ItemDto {
  @IsString()
  name!: string;
}

class CreateThingDto {
  @IsIn(['facebook', 'x'])
  platform!: string;

  @IsInt()
  @Min(1)
  count!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ItemDto)
  items!: ItemDto[];
}

const DOMAIN_CASES: Array<[DomainErrorCode, number]> = [
  ['NOT_FOUND', 404],
  ['PLAN_LIMIT_REACHED', 402],
  ['ALREADY_CONNECTED_ELSEWHERE', 409],
  ['CONNECTION_EXPIRED', 409],
  ['PRECONDITION_FAILED', 412],
  ['INSUFFICIENT_PERMISSIONS', 403],
  ['ACCOUNT_NOT_FOUND', 404],
  ['ACCOUNT_TYPE_NOT_SUPPORTED', 422],
  ['RECONNECT_ACCOUNT_MISMATCH', 409],
  ['INVALID_STATE_TRANSITION', 409],
];

const LEAKED_TOKEN = 'ya29.a0AfH6SMBsecretPlatformToken';

@Public()
@Controller('t')
class ThrowingController {
  @Get('domain/:code')
  domain(@Param('code') code: DomainErrorCode): never {
    const details: Record<string, unknown> =
      code === 'PLAN_LIMIT_REACHED' ? { plan: 'starter', limit: 3, platform: 'facebook' } : {};
    throw new DomainError(code, `refused: ${code}`, details);
  }

  @Get('rate-limited')
  rateLimited(): never {
    throw new RateLimitExceededError(1234.2, { limit: 10, window: 'PT1H' });
  }

  @Get('boom')
  boom(): never {
    throw new Error(
      `platform said no: GET https://graph.facebook.com/me?access_token=${LEAKED_TOKEN} ` +
        `with header Authorization: Bearer ${LEAKED_TOKEN} body {"refresh_token":"${LEAKED_TOKEN}"}`,
    );
  }

  @Get('race')
  race(): never {
    throw new WrongExpectedRevisionError('connection-1', 3, 4);
  }

  @IdempotentPost('things')
  @HttpCode(201)
  create(@Body() body: CreateThingDto): { created: CreateThingDto; isDto: boolean } {
    return { created: body, isDto: body instanceof CreateThingDto };
  }
}

@Controller('private')
class PrivateController {
  @Get()
  secret(): string {
    return 'nope';
  }
}

const VALID = {
  platform: 'x',
  count: 2,
  address: { city: 'Lyon' },
  items: [{ name: 'a' }],
};

describe('ProblemDetailsFilter over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ controllers: [ThrowingController, PrivateController] });
  });
  afterAll(() => t.close());

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
    });
    expect(typeof res.body.detail).toBe('string');
  }

  it.each(DOMAIN_CASES)('maps DomainError %s to %i', async (code, status) => {
    const res = await request(t.server).get(`/t/domain/${code}?secret=x`);
    expectProblem(res, status, code);
    expect(res.body.detail).toBe(`refused: ${code}`);
    // instance names the request, without its query string
    expect(res.body.instance).toBe(`/t/domain/${code}`);
    expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
  });

  it('names plan, limit and platform with an upgrade hint on PLAN_LIMIT_REACHED', async () => {
    const res = await request(t.server).get('/t/domain/PLAN_LIMIT_REACHED');
    expectProblem(res, 402, 'PLAN_LIMIT_REACHED');
    expect(res.body).toMatchObject({
      plan: 'starter',
      limit: 3,
      platform: 'facebook',
      upgrade: { hint: expect.stringMatching(/upgrade/i), plans: ['professional', 'enterprise'] },
    });
  });

  it('answers 429 with Retry-After in whole seconds', async () => {
    const res = await request(t.server).get('/t/rate-limited');
    expectProblem(res, 429, 'RATE_LIMIT_EXCEEDED');
    expect(res.headers['retry-after']).toBe('1235');
    expect(res.body).toMatchObject({ retryAfterSeconds: 1235, limit: 10, window: 'PT1H' });
  });

  it('answers a lost append race with 412 PRECONDITION_FAILED', async () => {
    const res = await request(t.server).get('/t/race');
    expectProblem(res, 412, 'PRECONDITION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain('connection-1');
  });

  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const res = await request(t.server).get('/no/such/route');
    expectProblem(res, 404, 'NOT_FOUND');
  });

  it('answers a missing token with 401 UNAUTHENTICATED before 404s of real routes', async () => {
    const res = await request(t.server).get('/private');
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('hides unexpected errors behind 500 INTERNAL_ERROR and logs them redacted', async () => {
    const token = signTestToken({ sub: 'u1', workspaces: {} }, TEST_JWT_SECRET);
    const res = await request(t.server)
      .get('/t/boom')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Correlation-Id', 'corr-boom-1');
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.body.detail).not.toMatch(/platform said no/);
    expect(res.text).not.toContain(LEAKED_TOKEN);
    expect(res.text).not.toContain(token);
    const logged = t.logs.lines.filter((line) => line.includes('corr-boom-1'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).toContain('platform said no');
    expect(t.logs.text).not.toContain(LEAKED_TOKEN);
    expect(t.logs.text).not.toContain(token);
  });

  it('accepts a valid body and transforms it into the DTO', async () => {
    const res = await request(t.server).post('/t/things').send(VALID);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: VALID, isDto: true });
  });

  it('lists each invalid field, nested ones by path', async () => {
    const res = await request(t.server)
      .post('/t/things')
      .send({ platform: 'myspace', count: 0, address: { city: 'L' }, items: [{ name: 5 }] });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = (res.body.errors as Array<{ field: string; messages: string[] }>).map(
      (e) => e.field,
    );
    expect(fields.sort()).toEqual(['address.city', 'count', 'items.0.name', 'platform']);
    for (const entry of res.body.errors) expect(entry.messages.length).toBeGreaterThan(0);
    // submitted values are not echoed back
    expect(res.text).not.toContain('myspace');
  });

  it('refuses and lists unknown fields, also nested', async () => {
    const res = await request(t.server)
      .post('/t/things')
      .send({ ...VALID, isAdmin: true, address: { city: 'Lyon', zip: '69000' } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', messages: ['property isAdmin should not exist'] },
        { field: 'address.zip', messages: ['property zip should not exist'] },
      ]),
    );
  });

  it('lists missing required fields', async () => {
    const res = await request(t.server).post('/t/things').send({});
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['address', 'count', 'items', 'platform']);
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED without quoting the body', async () => {
    const res = await request(t.server)
      .post('/t/things')
      .set('Content-Type', 'application/json')
      .send(`{"access_token": "${LEAKED_TOKEN}",`);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.detail).toBe('The request body is not valid JSON');
    expect(res.text).not.toContain(LEAKED_TOKEN);
    expect(t.logs.text).not.toContain(LEAKED_TOKEN);
  });

  it('answers a body that is too large with 413', async () => {
    const res = await request(t.server)
      .post('/t/things')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ platform: 'x'.repeat(600_000) }));
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reads a body as large as the longest post, written in escapes (it was a 413)', async () => {
    // 63206 UTF-16 units, the longest content a post may have, each as a \uXXXX escape.
    const escaped = '\\u65e5'.repeat(63_206);
    const res = await request(t.server)
      .post('/t/things')
      .set('Content-Type', 'application/json')
      .send(`{"platform": "${escaped}"}`);
    // Parsed, then refused by validation (the platform is not one of the two): not a 413.
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });
});
