import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type CopiedFrom, type Platform } from '@ledger/domain';
import type { ConnectionStatus } from '@ledger/read-models';
import type { ConnectionResponse } from '@ledger/runtime';

export const CONNECTION_STATUSES = ['active', 'error', 'expired'] as const;

export class CopiedFromBody implements CopiedFrom {
  @ApiProperty()
  workspaceId!: string;

  @ApiProperty()
  connectionId!: string;
}

/** A connection as the API answers it (ARCHITECTURE.md, "A connection reads"), for /docs. */
export class ConnectionBody implements ConnectionResponse {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  workspaceId!: string;

  @ApiProperty({ enum: PLATFORMS })
  platform!: Platform;

  @ApiProperty({ description: 'The account’s id at the platform' })
  accountId!: string;

  @ApiProperty()
  accountName!: string;

  @ApiProperty({ example: 'premium' })
  accountType!: string;

  @ApiProperty({ enum: CONNECTION_STATUSES })
  status!: ConnectionStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why it is `error` or `expired`' })
  statusReason!: string | null;

  @ApiProperty({ description: 'The platform’s main account in this workspace' })
  isMain!: boolean;

  @ApiProperty({ format: 'date-time' })
  connectedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  tokenExpiresAt!: string | null;

  @ApiProperty({ type: () => CopiedFromBody, nullable: true })
  copiedFrom!: CopiedFromBody | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Carried by the ETag' })
  version!: number;

  @ApiProperty({ type: 'integer', description: 'The longest post the account allows' })
  postLengthLimit!: number;
}

/** The ETag of a connection's answer: its version, for If-Match. */
export const CONNECTION_ETAG = {
  ETag: {
    description: 'The connection’s version, for If-Match',
    required: true,
    schema: { type: 'string' },
  },
};
