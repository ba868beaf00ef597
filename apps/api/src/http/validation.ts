import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { validationFailed, type FieldErrors } from './problem';

/**
 * The global pipe for DTOs: unknown fields are refused (and listed), values are transformed
 * into DTO instances, and failures become 400 VALIDATION_FAILED with one entry per field.
 * Register: `{ provide: APP_PIPE, useFactory: createValidationPipe }` or
 * `app.useGlobalPipes(createValidationPipe())`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Keep submitted values (which may be secrets) out of the errors.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      validationFailed('The request has invalid fields', flattenValidationErrors(errors)),
  });
}

/** Nested errors become dotted paths (`a.b`, `items.0.name`); the root itself is `(body)`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldErrors[] {
  const fields: FieldErrors[] = [];
  for (const error of errors) {
    const field =
      parent && error.property ? `${parent}.${error.property}` : parent || error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      fields.push({ field: field || '(body)', messages: Object.values(error.constraints) });
    }
    if (error.children?.length) fields.push(...flattenValidationErrors(error.children, field));
  }
  return fields;
}
