import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentEdgeResponses } from './openapi-responses';

export const BEARER_SCHEME = 'bearer';

/**
 * Serves Swagger UI at `/docs` and the OpenAPI document at `/docs-json`. Both are served by
 * the HTTP adapter directly, outside Nest's routes, so AuthGuard does not apply to them.
 * Every operation requires the bearer scheme unless it declares otherwise, and declares the
 * problems the HTTP edge answers (documentEdgeResponses) besides its own.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Connection Ledger API')
    .setDescription(
      'Social-platform account connections, with their full history. Errors are ' +
        '`application/problem+json` (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_DETAILS_SCHEMA },
  };
  markPublic(document);
  documentEdgeResponses(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/** Routes that take no token (they are @Public()) say so in the document. */
const PUBLIC_PATHS = [/^\/health$/, /^\/v1\/oauth\/[^/]+\/callback$/];

function markPublic(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!PUBLIC_PATHS.some((pattern) => pattern.test(path))) continue;
    for (const operation of [item.get, item.post, item.put, item.delete, item.patch]) {
      if (operation) operation.security = [];
    }
  }
}

const PROBLEM_DETAILS_SCHEMA = {
  type: 'object' as const,
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' as const, format: 'uri' },
    title: { type: 'string' as const },
    status: { type: 'integer' as const },
    detail: { type: 'string' as const },
    instance: { type: 'string' as const },
    code: { type: 'string' as const, example: 'VALIDATION_FAILED' },
    correlationId: { type: 'string' as const },
    errors: {
      type: 'array' as const,
      items: {
        type: 'object' as const,
        properties: {
          field: { type: 'string' as const },
          messages: { type: 'array' as const, items: { type: 'string' as const } },
        },
      },
    },
  },
};
