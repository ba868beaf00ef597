import { ApiProperty } from '@nestjs/swagger';
import { PLANS, PLATFORMS, type Plan, type Platform } from '@ledger/domain';
import type { IntegrationsPage, PlatformCard } from './integrations.query';

export class PlatformHealthBody {
  @ApiProperty({ type: 'integer', minimum: 0 })
  active!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  error!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  expired!: number;
}

export class PlatformCardBody implements PlatformCard {
  @ApiProperty({ enum: PLATFORMS })
  platform!: Platform;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Accounts allowed; null: unlimited',
  })
  limit!: number | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  connected!: number;

  @ApiProperty({ type: String, nullable: true })
  mainConnectionId!: string | null;

  @ApiProperty({ type: () => PlatformHealthBody })
  health!: PlatformHealthBody;
}

/** The Integrations page, for /docs. */
export class IntegrationsBody implements IntegrationsPage {
  @ApiProperty({ enum: PLANS })
  plan!: Plan;

  @ApiProperty({ type: [PlatformCardBody] })
  platforms!: PlatformCardBody[];
}
