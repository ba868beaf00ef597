import { ApiProperty } from '@nestjs/swagger';
import type { DisconnectReport } from './disconnect-account.command';

export class AlsoDisconnectedBody {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  platform!: string;

  @ApiProperty()
  reason!: string;
}

/** What a disconnect affected, for /docs. */
export class DisconnectReportBody implements DisconnectReport {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  platform!: string;

  @ApiProperty()
  accountName!: string;

  @ApiProperty({ format: 'date-time' })
  disconnectedAt!: string;

  @ApiProperty()
  wasMain!: boolean;

  @ApiProperty()
  tokensDestroyed!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  scheduledPostsFailed!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  campaignsFlagged!: number;

  @ApiProperty({
    type: [AlsoDisconnectedBody],
    description: 'Connections that existed only through this one (Threads through its Instagram)',
  })
  alsoDisconnected!: AlsoDisconnectedBody[];
}
