import { applyDecorators, Param, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DomainError } from '@ledger/domain';
import { Matches } from 'class-validator';

/**
 * The shapes of the ids this service mints (docs/decisions/0007): connection, campaign and post
 * ids are UUIDs (nameBasedUuid), selection ids 16 random bytes in base64url. Checked at the
 * edge, before any lookup: a path id of another shape names nothing (404 NOT_FOUND, as an
 * unknown id), a body id of another shape is a malformed field (400 VALIDATION_FAILED).
 */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const SELECTION_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';

const UUID = new RegExp(UUID_PATTERN);
const SELECTION_ID = new RegExp(SELECTION_ID_PATTERN);

/** The OpenAPI schema of a UUID field or parameter. */
export const UUID_SCHEMA = { type: 'string', format: 'uuid', pattern: UUID_PATTERN } as const;

class ConnectionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (UUID.test(value)) return value;
    throw new DomainError('NOT_FOUND', 'No such connection in this workspace.', {
      connectionId: value,
    });
  }
}

class SelectionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (SELECTION_ID.test(value)) return value;
    throw new DomainError(
      'NOT_FOUND',
      'No such selection: it expired (after 15 minutes) or was used. Connect again.',
      { selectionId: value },
    );
  }
}

/** `:id`, a connection id: for the handler's parameter. */
export const ConnectionIdParam = (): ParameterDecorator => Param('id', ConnectionIdPipe);

/** `:id`, a selection id: for the handler's parameter. */
export const SelectionIdParam = (): ParameterDecorator => Param('id', SelectionIdPipe);

/** Declares `:id` as a connection id in the OpenAPI document: on the controller or the handler. */
export const ApiConnectionIdParam = () =>
  applyDecorators(
    ApiParam({ name: 'id', description: 'A connection id', schema: { ...UUID_SCHEMA } }),
  );

/** Declares `:id` as a selection id in the OpenAPI document. */
export const ApiSelectionIdParam = () =>
  applyDecorators(
    ApiParam({
      name: 'id',
      description: 'A selection id, as the OAuth callback answered it',
      schema: { type: 'string', pattern: SELECTION_ID_PATTERN },
    }),
  );

/** A body field holding a UUID this service minted (a connection or campaign id). */
export const IsLedgerUuid = (): PropertyDecorator =>
  Matches(UUID, { message: ({ property }) => `${property} must be a UUID` });
