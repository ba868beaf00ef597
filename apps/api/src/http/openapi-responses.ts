import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from './problem';

export const PROBLEM_DETAILS_REF = '#/components/schemas/ProblemDetails';

/** A problem+json response, as the document declares it. */
export function problemResponse(
  description: string,
  headers?: ResponseObject['headers'],
): ResponseObject {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_DETAILS_REF } } },
    ...(headers ? { headers } : {}),
  };
}

export const RETRY_AFTER_HEADER: ResponseObject['headers'] = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
};

/**
 * The problems (RFC 9457, with a stable `code`) an operation answers beyond the ones every
 * operation of its kind can answer (see documentEdgeResponses), each with what it means there:
 * `@ApiProblems({ 404: 'NOT_FOUND: no such connection in this workspace' })`. Declare the
 * success too (`@ApiOkResponse`...): any declared response replaces Nest's default one.
 */
export function ApiProblems(problems: Record<number, string>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(problems).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        ...problemResponse(description, Number(status) === 429 ? RETRY_AFTER_HEADER : undefined),
      }),
    ),
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** What the HTTP edge answers whatever the operation (auth guard, validation, idempotency). */
const EDGE = {
  400: '`VALIDATION_FAILED`: malformed body, query or header; `errors` lists each field',
  401: '`UNAUTHENTICATED`: no bearer token, or a bad or expired one',
  403: '`FORBIDDEN`: your role in this workspace (or none) does not allow this',
  409: '`IDEMPOTENCY_KEY_IN_USE`: a request with this Idempotency-Key is still running (`Retry-After`: the seconds left on its claim)',
  413: '`PAYLOAD_TOO_LARGE`: the body is over 512 kB',
  422: '`IDEMPOTENCY_KEY_REUSED`: this Idempotency-Key was used for a different request',
  503: '`STORAGE_UNAVAILABLE`: no storage space left; nothing was changed (`Retry-After`)',
} as const;

/** Operations that write: every one but a plain GET, and the OAuth callback (a GET that connects). */
function writes(path: string, method: (typeof METHODS)[number]): boolean {
  return method !== 'get' || /^\/v1\/oauth\//.test(path);
}

const IDEMPOTENCY_KEY_PARAMETER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A retry with the same key (same user, method, path and body) within 24 hours gets the first answer again, without running twice',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
};

/**
 * Adds to every operation the responses and parameters of the HTTP edge, so the document
 * declares every status the API can answer: 401 and 403 where a token is required, 400 where
 * a body, query or header is validated, 413 where a body is read, and on authenticated POSTs
 * the Idempotency-Key header with its 409 and 422. Descriptions add up when an operation
 * declares the same status.
 */
export function documentEdgeResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (writes(path, method)) addProblem(operation, 503, EDGE[503], RETRY_AFTER_HEADER);
      const secured = (operation.security ?? document.security ?? []).length > 0;
      if (secured && method === 'post') {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER];
        addProblem(operation, 409, EDGE[409]);
        addProblem(operation, 422, EDGE[422]);
      }
      const parameters = (operation.parameters ?? []) as (ParameterObject | ReferenceObject)[];
      const validated =
        operation.requestBody !== undefined ||
        parameters.some((p) => 'in' in p && (p.in === 'query' || p.in === 'header'));
      if (validated) addProblem(operation, 400, EDGE[400]);
      if (operation.requestBody !== undefined) addProblem(operation, 413, EDGE[413]);
      if (secured) {
        addProblem(operation, 401, EDGE[401], {
          'WWW-Authenticate': { schema: { type: 'string' } },
        });
        addProblem(operation, 403, EDGE[403]);
      }
    }
  }
}

function addProblem(
  operation: OperationObject,
  status: number,
  description: string,
  headers?: ResponseObject['headers'],
): void {
  const existing = operation.responses[status] as ResponseObject | undefined;
  operation.responses[status] = existing
    ? { ...existing, description: `${existing.description}; ${description}` }
    : problemResponse(description, headers);
}
