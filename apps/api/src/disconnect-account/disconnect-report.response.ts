import { ApiProperty } from '@nestjs/swagger';
import type { RevocationStatus } from '@ledger/platforms';
import type { Revocation } from './connection-teardown';
import type { DisconnectReport } from './disconnect-account.command';

export const REVOCATION_STATUSES: RevocationStatus[] = [
  'revoked',
  'not_offered',
  'failed',
  'no_tokens',
  'shared_grant',
];

export class RevocationBody implements Revocation {
  @ApiProperty({
    enum: REVOCATION_STATUSES,
    description:
      '`revoked`: the platform confirmed it; `not_offered`: the platform has no revocation for this app; `failed`: it refused or could not be reached; `no_tokens`: none were held; `shared_grant`: not asked, because the platform (Facebook, TikTok) would end the whole authorization another live connection still uses. The tokens are shredded here in every case.',
  })
  status!: RevocationStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why, for people' })
  detail!: string | null;
}

export class AlsoDisconnectedBody {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  platform!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ type: () => RevocationBody })
  revocation!: RevocationBody;
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

  @ApiProperty({
    description:
      "true: the vault held this connection's tokens and they were destroyed now; false: none were held any more (already shredded). No token of the connection is left either way",
  })
  tokensDestroyed!: boolean;

  @ApiProperty({
    type: () => RevocationBody,
    description: 'The tokens revoked at the platform, where it allows (shredded here regardless)',
  })
  revocation!: RevocationBody;

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
