import { HttpException } from '@nestjs/common';

/** An RFC 9457 problem as API consumers receive it, with the stable `code` they branch on. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Problem types are tag URIs (RFC 4151, suggested by RFC 9457 §3.1.1 for types that are not
 * meant to be dereferenced): stable identifiers that do not promise a web page.
 */
export function problemType(code: string): string {
  return `tag:connection-ledger,2025:problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  /** Extension members, e.g. `errors`, `plan`, `limit`. */
  extensions?: Record<string, unknown>;
  /** Response headers to send with it, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/**
 * An HTTP-edge refusal rendered as-is by ProblemDetailsFilter. It extends HttpException so
 * that Nest still answers with the right status if the filter is ever missing.
 */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail, problem.status);
    this.name = 'ProblemException';
  }
}

export interface FieldErrors {
  field: string;
  messages: string[];
}

export function validationFailed(detail: string, errors: FieldErrors[]): ProblemException {
  return new ProblemException({
    status: 400,
    code: 'VALIDATION_FAILED',
    title: 'Validation failed',
    detail,
    extensions: { errors },
  });
}
