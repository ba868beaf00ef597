import { Body, Controller, Get, HttpCode } from '@nestjs/common';
import { IsString } from 'class-validator';
import request from 'supertest';
import { Public } from './auth/auth.decorators';
import { CorrelationId } from './request-context';
import { createTestApp, type TestApp } from './testing/test-app';
import { IdempotentPost } from './idempotency/idempotent-post';

class EchoDto {
  @IsString()
  text!: string;
}

@Public()
@Controller('ctx')
class ContextController {
  @Get()
  get(@CorrelationId() id: string): { fromParam: string } {
    return { fromParam: id };
  }

  /** A parsed body and an await in between: the id must survive both. */
  @IdempotentPost()
  @HttpCode(200)
  async post(@Body() _body: EchoDto, @CorrelationId() id: string): Promise<{ fromParam: string }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { fromParam: id };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [ContextController] });
  });
  afterAll(() => t.close());

  it('generates one when none is sent, and echoes it', async () => {
    const res = await request(t.server).get('/ctx');
    expect(res.headers['x-correlation-id']).toMatch(UUID);
    expect(res.body).toEqual({ fromParam: res.headers['x-correlation-id'] });
  });

  it('adopts a valid incoming one', async () => {
    const res = await request(t.server).get('/ctx').set('X-Correlation-Id', 'trace-1:abc.DEF_9');
    expect(res.headers['x-correlation-id']).toBe('trace-1:abc.DEF_9');
    expect(res.body.fromParam).toBe('trace-1:abc.DEF_9');
  });

  it.each(['<script>', 'a b', 'x'.repeat(129), 'é'])('replaces an invalid one (%j)', async (id) => {
    const res = await request(t.server).get('/ctx').set('X-Correlation-Id', id);
    expect(res.headers['x-correlation-id']).toMatch(UUID);
  });

  it('keeps the id through body parsing and awaits', async () => {
    const res = await request(t.server)
      .post('/ctx')
      .set('X-Correlation-Id', 'post-ctx-1')
      .send({ text: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fromParam: 'post-ctx-1' });
  });

  it('is on error responses too, header and body', async () => {
    const unknown = await request(t.server).get('/nowhere').set('X-Correlation-Id', 'err-1');
    expect(unknown.headers['x-correlation-id']).toBe('err-1');
    expect(unknown.body.correlationId).toBe('err-1');
    const invalid = await request(t.server)
      .post('/ctx')
      .set('X-Correlation-Id', 'err-2')
      .set('Content-Type', 'application/json')
      .send('{oops');
    expect(invalid.status).toBe(400);
    expect(invalid.headers['x-correlation-id']).toBe('err-2');
    expect(invalid.body.correlationId).toBe('err-2');
  });
});
