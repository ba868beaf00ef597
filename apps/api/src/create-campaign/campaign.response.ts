import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type CampaignTarget, type Platform } from '@ledger/domain';
import type { CampaignView } from '@ledger/read-models';

export class CampaignTargetBody implements CampaignTarget {
  @ApiProperty({ enum: PLATFORMS })
  platform!: Platform;

  @ApiProperty({ type: String, nullable: true, description: 'null: the platform’s main account' })
  connectionId!: string | null;
}

export class CampaignFlagBody {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class CreatedCampaignBody {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  workspaceId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [CampaignTargetBody] })
  targets!: CampaignTargetBody[];
}

export class CampaignBody extends CreatedCampaignBody implements CampaignView {
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: [CampaignFlagBody],
    description: 'Connections it relied on that were disconnected: choose other accounts',
  })
  flags!: CampaignFlagBody[];
}
