import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from './auth/auth.decorators';
import { HealthBody } from './health.response';
import { problemResponse, RETRY_AFTER_HEADER } from './openapi-responses';
import { ProblemException } from './problem';

/** One dependency the API needs to serve (event store, read models...). */
export interface ReadinessProbe {
  name: string;
  /** Resolves when ready; rejects (or times out) when not. */
  check(): Promise<void>;
}

/** Provide as `{ provide: READINESS_PROBES, useFactory: (...) => [probe, ...], inject: [...] }`. */
export const READINESS_PROBES = Symbol('READINESS_PROBES');

const PROBE_TIMEOUT_MS = 2000;

type CheckResult = 'ok' | 'failed' | 'timeout';

/**
 * `GET /health`: 200 `{status:'ok', checks}` when every probe passes, else 503 problem naming
 * the failing checks. Probe error messages are never returned (they can hold connection
 * strings); only names and ok/failed/timeout.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Optional() @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[] = [],
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and readiness' })
  @ApiOkResponse({ type: HealthBody })
  @ApiResponse({
    status: 503,
    ...problemResponse(
      '`SERVICE_UNAVAILABLE`: `failing` names what is not ready',
      RETRY_AFTER_HEADER,
    ),
  })
  async health(): Promise<{ status: 'ok'; checks: Record<string, CheckResult> }> {
    const results = await Promise.all(
      (this.probes ?? []).map(async (probe) => [probe.name, await runProbe(probe)] as const),
    );
    const checks = Object.fromEntries(results);
    const failing = results.filter(([, result]) => result !== 'ok').map(([name]) => name);
    if (failing.length > 0) {
      throw new ProblemException({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        title: 'Service unavailable',
        detail: `Not ready: ${failing.join(', ')}`,
        extensions: { failing, checks },
        headers: { 'Retry-After': '5' },
      });
    }
    return { status: 'ok', checks };
  }
}

async function runProbe(probe: ReadinessProbe): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe.check().then((): CheckResult => 'ok'), timeout]);
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
