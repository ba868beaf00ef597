import { ApiProperty } from '@nestjs/swagger';
import type { RefreshResult } from '@ledger/jobs';

/** The outcomes of an asked-for refresh that are not refusals. */
export const REFRESH_DONE = ['refreshed', 'not-due', 'backing-off'] as const;

export class RefreshBody {
  @ApiProperty({
    enum: REFRESH_DONE,
    description:
      '`refreshed`; `not-due`: the token needs no refresh yet; `backing-off`: a failed refresh is retried later',
  })
  result!: RefreshResult;
}
