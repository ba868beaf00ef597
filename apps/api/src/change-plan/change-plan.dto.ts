import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PLANS, type Plan } from '@ledger/domain';

export class ChangePlanDto {
  @ApiProperty({
    enum: PLANS,
    description: 'free 1, starter 3, professional 10 accounts per platform; enterprise unlimited',
  })
  @IsIn(PLANS)
  plan!: Plan;
}
