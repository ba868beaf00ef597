import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { AnyRole } from './auth/auth.decorators';
import { HealthController, READINESS_PROBES, type ReadinessProbe } from './health.controller';
import { createTestApp, type TestApp } from './testing/test-app';

@Controller('v1/workspaces/:ws/things')
class ThingsController {
  @Get()
  @AnyRole()
  list(): [] {
    return [];
  }
}

describe('GET /health', () => {
  let t: TestApp;
  const state = { eventStoreUp: true, readModelsSlow: false };
  const probes: ReadinessProbe[] = [
    {
      name: 'eventStore',
      check: async () => {
        if (!state.eventStoreUp) {
          throw new Error('connect ECONNREFUSED mongodb://admin:hunter2@db:27017');
        }
      },
    },
    {
      name: 'readModels',
      check: () => (state.readModelsSlow ? new Promise(() => undefined) : Promise.resolve()),
    },
  ];

  beforeAll(async () => {
    t = await createTestApp({
      controllers: [HealthController],
      providers: [{ provide: READINESS_PROBES, useValue: probes }],
    });
  });
  afterAll(() => t.close());
  afterEach(() => {
    state.eventStoreUp = true;
    state.readModelsSlow = false;
  });

  it('answers 200 ok with each check, without a token', async () => {
    const res = await request(t.server).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { eventStore: 'ok', readModels: 'ok' } });
  });

  it('answers 503 naming the failing check, without its error message', async () => {
    state.eventStoreUp = false;
    const res = await request(t.server).get('/health');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      failing: ['eventStore'],
      checks: { eventStore: 'failed', readModels: 'ok' },
    });
    expect(res.body.detail).toContain('eventStore');
    expect(res.text).not.toContain('hunter2');
  });

  it('times a hanging check out instead of hanging', async () => {
    state.readModelsSlow = true;
    const res = await request(t.server).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ eventStore: 'ok', readModels: 'timeout' });
  });
});

describe('GET /health with no probes registered', () => {
  it('answers 200 with no checks', async () => {
    const t = await createTestApp({ controllers: [HealthController] });
    try {
      const res = await request(t.server).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', checks: {} });
    } finally {
      await t.close();
    }
  });
});

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [HealthController, ThingsController], openApi: true });
  });
  afterAll(() => t.close());

  it('serves the document at /docs-json, with the bearer scheme, without a token', async () => {
    const res = await request(t.server).get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(res.body.security).toEqual([{ bearer: [] }]);
    expect(res.body.paths['/health'].get.security).toEqual([]);
    expect(res.body.paths['/v1/workspaces/{ws}/things'].get).toBeDefined();
    expect(res.body.components.schemas.ProblemDetails.required).toContain('code');
  });

  it('serves Swagger UI at /docs without a token', async () => {
    const res = await request(t.server).get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('still protects the API routes', async () => {
    expect((await request(t.server).get('/v1/workspaces/w/things')).status).toBe(401);
  });
});
