import {
  Inject,
  Injectable,
  Logger,
  Optional,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { HttpReply } from '../http-exchange';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { holderIsGone, processInstanceId } from '@ledger/leases';
import {
  APP_CONFIG,
  type AppConfig,
  IDEMPOTENCY_STORE,
  type IdempotencyStore,
  type StoredResponse,
} from '@ledger/runtime';
import type { LedgerRequest } from '../ledger-request';
import { renderProblem } from '../problem-details.filter';
import { mapToProblem } from '../problem-mapping';
import { ProblemException, validationFailed } from '../problem';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

export interface IdempotencyOptions {
  /** How long a finished request is replayed (24 h). */
  retentionMs: number;
  /**
   * How long an in-flight claim holds the key unless renewed: short, since a claim whose
   * process died blocks retries of its key until then (when no process on the holder's
   * machine can tell it died; see docs/decisions/0012-crash-recovery-takeover.md).
   */
  leaseMs: number;
  /** Real milliseconds between renewals of a running request's claim; default leaseMs/3. */
  renewEveryMs?: number;
  /** This process, as recorded in its claims. */
  holder: string;
  /** Whether a claim's holder is known dead, so a retry takes the key over at once. */
  holderIsGone: (holder: string) => boolean;
  now: () => Date;
}

const DEFAULTS: IdempotencyOptions = {
  retentionMs: 24 * 60 * 60 * 1000,
  leaseMs: 3000,
  holder: processInstanceId(),
  holderIsGone,
  now: () => new Date(),
};

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Printable ASCII, 1 to 255 characters. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** Response headers that belong to the outcome and are replayed with it. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-location', 'content-type', 'last-modified'];

/**
 * `Idempotency-Key` on POSTs: a retry with the same key, user, method, path and body gets the
 * first response again without running the handler; a different request with the key gets
 * 422 IDEMPOTENCY_KEY_REUSED; one arriving while the first runs gets 409 IDEMPOTENCY_KEY_IN_USE
 * with `Retry-After` the seconds left on the first one's claim.
 *
 * A claim is a short lease renewed while its request runs, recorded with this process's
 * instance id: after a crash, a retry takes the key over once the lease runs out, or at once
 * when this machine can tell the holder died. Running the command again is safe: its event
 * ids derive from the key, so the store recognises an append that already happened.
 *
 * What is stored: 2xx responses and the domain's refusals (DomainError, 4xx), since running
 * the command again would decide the same. Not stored, so that a retry runs again: 5xx,
 * validation failures (nothing ran; the client may fix the body and reuse its key), rate
 * limiting (the window frees) and other edge refusals.
 *
 * Only authenticated requests are covered (keys are scoped per user); on @Public() routes the
 * header is ignored. Register globally: `{ provide: APP_INTERCEPTOR, useClass:
 * IdempotencyInterceptor }` with an IDEMPOTENCY_STORE provider.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly options: IdempotencyOptions;
  private lastPurge = 0;

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Optional() @Inject(IDEMPOTENCY_OPTIONS) options?: Partial<IdempotencyOptions>,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'idempotencyLeaseMs'>,
  ) {
    this.options = {
      ...DEFAULTS,
      ...(config ? { leaseMs: config.idempotencyLeaseMs } : {}),
      ...options,
    };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<LedgerRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.auth) return next.handle();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw validationFailed('The Idempotency-Key header is malformed', [
        {
          field: IDEMPOTENCY_KEY_HEADER,
          messages: ['must be 1 to 255 printable ASCII characters'],
        },
      ]);
    }
    const response = context.switchToHttp().getResponse<HttpReply>();
    return defer(() => this.run(request, response, key, next));
  }

  private async run(
    request: LedgerRequest,
    response: HttpReply,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    const id = sha256(`${request.auth?.userId}\u0000${key}`);
    const fingerprint = sha256(
      JSON.stringify([request.method, request.url, canonical(request.body ?? null)]),
    );
    const now = this.options.now();
    this.purgeNowAndThen(now);
    const outcome = await this.store.claim(id, fingerprint, now, this.leaseFrom(now), {
      holder: this.options.holder,
      holderIsGone: this.options.holderIsGone,
    });
    if (outcome.kind !== 'claimed' && outcome.fingerprint !== fingerprint) throw keyReused();
    if (outcome.kind === 'in_flight') throw keyInUse(outcome.leaseUntil, now);
    if (outcome.kind === 'completed') return replay(response, outcome.response);

    request.idempotencyKey = key;
    const stopRenewing = this.renewWhileRunning(id, outcome.token);
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      stopRenewing();
      await this.settleFailure(request, id, outcome.token, error);
      throw error;
    }
    stopRenewing();
    if (response.statusCode >= 200 && response.statusCode < 300 && isJsonSafe(body)) {
      await this.save(id, outcome.token, {
        status: response.statusCode,
        headers: pickHeaders(response),
        body: body === undefined ? null : JSON.parse(JSON.stringify(body)),
      });
    } else {
      await this.store.release(id, outcome.token);
    }
    return body;
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseMs);
  }

  /**
   * Keeps the claim alive while the handler runs; returns the stop. A renewal still under way
   * after the stop matches nothing (it needs the claim in flight, with this token), so the
   * answer never waits for one.
   */
  private renewWhileRunning(id: string, token: string): () => void {
    let renewing = false;
    let lost = false;
    const timer = setInterval(
      () => {
        if (renewing || lost) return;
        renewing = true;
        this.store
          .renew(id, token, this.leaseFrom(this.options.now()))
          .then((held) => {
            if (held) return;
            lost = true;
            this.logger.warn('An idempotent request lost its claim while it ran');
          })
          .catch((error: unknown) => {
            // The store hiccupped: the next tick tries again before the lease runs out.
            this.logger.warn(`Renewing an idempotency claim failed: ${String(error)}`);
          })
          .finally(() => (renewing = false));
      },
      this.options.renewEveryMs ?? this.options.leaseMs / 3,
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  private async settleFailure(
    request: LedgerRequest,
    id: string,
    token: string,
    error: unknown,
  ): Promise<void> {
    const problem = mapToProblem(error);
    if (!problem.domainOutcome || problem.status >= 500) {
      await this.store.release(id, token);
      return;
    }
    // The stored problem is replayed as sent, minus this request's correlation id.
    const { correlationId: _ignored, ...body } = renderProblem(problem, request);
    await this.save(id, token, {
      status: problem.status,
      headers: {
        'content-type': 'application/problem+json; charset=utf-8',
        ...lower(problem.headers),
      },
      body,
    });
  }

  /** Expired records are replaced lazily; this keeps the table from growing without bound. */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now.getTime();
    this.store.purgeExpired(now).catch((error: unknown) => {
      this.logger.warn(`Purging expired idempotency records failed: ${String(error)}`);
    });
  }

  private async save(id: string, token: string, stored: StoredResponse): Promise<void> {
    const expiresAt = new Date(this.options.now().getTime() + this.options.retentionMs);
    if (!(await this.store.complete(id, token, stored, expiresAt))) {
      this.logger.warn('An idempotent request outlived its lease; its response was not stored');
    }
  }
}

/** `@IdempotencyKey() key: string | undefined`: the validated key, for deterministic ids. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<LedgerRequest>().idempotencyKey,
);

function replay(response: HttpReply, stored: StoredResponse): unknown {
  response.code(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) response.header(name, value);
  response.header('Idempotent-Replayed', 'true');
  return stored.body;
}

function pickHeaders(response: HttpReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

function lower(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Plain JSON values only: streams and buffers are not replayed. */
function isJsonSafe(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body !== 'object') return ['string', 'number', 'boolean'].includes(typeof body);
  return (
    !Buffer.isBuffer(body) &&
    typeof (body as { pipe?: unknown }).pipe !== 'function' &&
    !('getStream' in (body as object))
  );
}

/** JSON with sorted object keys, so `{a,b}` and `{b,a}` are the same body. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function keyReused(): ProblemException {
  return new ProblemException({
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
    title: 'Idempotency key reused',
    detail: 'This Idempotency-Key was used for a different request; use a new key',
  });
}

/** `Retry-After`: the whole seconds left on the running request's claim (at least 1). */
function keyInUse(leaseUntil: Date, now: Date): ProblemException {
  const seconds = Math.max(1, Math.ceil((leaseUntil.getTime() - now.getTime()) / 1000));
  return new ProblemException({
    status: 409,
    code: 'IDEMPOTENCY_KEY_IN_USE',
    title: 'Idempotency key in use',
    detail: `A request with this Idempotency-Key is still being processed; retry in ${seconds} s`,
    headers: { 'Retry-After': String(seconds) },
  });
}
