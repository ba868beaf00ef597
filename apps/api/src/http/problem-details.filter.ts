import { Catch, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AUDITED_REFUSALS, AuditRecorder, trailSubjectOf } from '../audit-trail/audit-recorder';
import type { HttpReply } from './http-exchange';
import { requestPath, type LedgerRequest } from './ledger-request';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemBody } from './problem';
import { mapToProblem, STORAGE_UNAVAILABLE, type MappedProblem } from './problem-mapping';
import { StorageHealth } from '@ledger/runtime';
import { redactSecrets } from './redact';
import { SecurityLog } from './security-log';

/** Refusals kept somewhere: in the workspace's trail for its members, else the security log. */
const RECORDED_REFUSALS: ReadonlySet<string> = new Set([...AUDITED_REFUSALS, 'UNAUTHENTICATED']);

/**
 * Answers every error as `application/problem+json` (RFC 9457) with a stable `code`.
 * Register globally: `{ provide: APP_FILTER, useClass: ProblemDetailsFilter }`, or
 * `app.useGlobalFilters(new ProblemDetailsFilter())`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  /**
   * Refused attempts of a workspace's members go to its audit trail (absent in apps without
   * one); those of outsiders and the unauthenticated to the security log.
   */
  constructor(
    @Optional() private readonly audit?: AuditRecorder,
    @Optional() private readonly security?: SecurityLog,
    /** Told of writes that failed for lack of space, so /health says not ready. */
    @Optional() private readonly storage?: StorageHealth,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<LedgerRequest>();
    const response = http.getResponse<HttpReply>();
    const problem = mapToProblem(exception);
    if (problem.internal) this.logInternal(exception, request, problem);
    if (problem.code === STORAGE_UNAVAILABLE) this.storage?.reportFull();
    if (RECORDED_REFUSALS.has(problem.code)) {
      if (!trailSubjectOf(request)) {
        this.security?.refused(request, problem);
      } else if (this.audit) {
        // Recorded before answering, so the refusal is in the trail once the caller sees it.
        const answer = () => this.answer(response, request, problem);
        void this.audit.recordRefusal(request, problem).then(answer, answer);
        return;
      }
    }
    this.answer(response, request, problem);
  }

  private answer(response: HttpReply, request: LedgerRequest, problem: MappedProblem): void {
    if (response.sent || response.raw.headersSent) {
      // Part of a response is out already: all that is left is to cut it short.
      if (!response.raw.writableEnded) response.raw.end();
      return;
    }
    for (const [name, value] of Object.entries(problem.headers ?? {})) {
      response.header(name, value);
    }
    sendProblem(response, renderProblem(problem, request));
  }

  private logInternal(exception: unknown, request: LedgerRequest, problem: MappedProblem): void {
    const description =
      exception instanceof Error ? (exception.stack ?? exception.message) : safeString(exception);
    this.logger.error(
      redactSecrets(
        `${request.method} ${requestPath(request)} -> ${problem.status} ` +
          `[correlationId=${request.correlationId ?? '-'}] ${description}`,
      ),
    );
  }
}

/** The body for a mapped problem, with `instance` and the correlation id of this request. */
export function renderProblem(problem: MappedProblem, request: LedgerRequest): ProblemBody {
  return {
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: requestPath(request),
    code: problem.code,
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    ...problem.extensions,
  };
}

export function sendProblem(response: HttpReply, body: ProblemBody): void {
  response
    .code(body.status)
    .type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .send(JSON.stringify(body));
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
