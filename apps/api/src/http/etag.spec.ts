import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { HttpReply } from './http-exchange';
import request from 'supertest';
import { Public } from './auth/auth.decorators';
import { IfMatchVersion, formatEtag, parseIfMatch, setEtag } from './etag';
import { createTestApp, type TestApp } from './testing/test-app';
import { IdempotentPost } from './idempotency/idempotent-post';

@Public()
@Controller('things')
class ThingsController {
  @Get('weak')
  weak(@Res({ passthrough: true }) res: HttpReply): { version: number } {
    setEtag(res, 7);
    return { version: 7 };
  }

  @Get('strong')
  strong(@Res({ passthrough: true }) res: HttpReply): { version: number } {
    setEtag(res, 7, { weak: false });
    return { version: 7 };
  }

  @IdempotentPost('main')
  @HttpCode(200)
  setMain(@IfMatchVersion() expectedVersion: number | undefined): {
    expectedVersion: number | null;
  } {
    return { expectedVersion: expectedVersion ?? null };
  }
}

describe('ETag and If-Match over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [ThingsController] });
  });
  afterAll(() => t.close());

  it('sends the version as a weak ETag by default, strong on request', async () => {
    expect((await request(t.server).get('/things/weak')).headers.etag).toBe('W/"7"');
    expect((await request(t.server).get('/things/strong')).headers.etag).toBe('"7"');
  });

  it.each([
    [undefined, null],
    ['*', null],
    ['W/"12"', 12],
    ['"12"', 12],
    [' "0" ', 0],
    ['W/"3", "3"', 3],
  ])('reads If-Match %j as expected version %j', async (header, expected) => {
    const req = request(t.server).post('/things/main');
    const res = await (header === undefined ? req : req.set('If-Match', header));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ expectedVersion: expected });
  });

  it.each(['12', 'W/12', '"abc"', '"-1"', '"1.5"', '"3", "4"', '', 'W/"99999999999999999999"'])(
    'refuses If-Match %j with 400 VALIDATION_FAILED naming the header',
    async (header) => {
      const res = await request(t.server).post('/things/main').set('If-Match', header);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'If-Match', messages: [expect.any(String)] }]);
    },
  );

  it('round-trips: what formatEtag writes, parseIfMatch reads', () => {
    for (const version of [0, 1, 42, 2 ** 40]) {
      expect(parseIfMatch(formatEtag(version))).toBe(version);
      expect(parseIfMatch(formatEtag(version, { weak: false }))).toBe(version);
    }
  });
});
