import { ApiProperty } from '@nestjs/swagger';
import type { DomainErrorCode } from '@ledger/domain';
import { ConnectionBody } from '../list-connections/connection.response';
import type { ChooseAccountsOutcome } from './choose-accounts.handler';

export class RefusedAccountBody {
  @ApiProperty()
  accountId!: string;

  @ApiProperty({ example: 'PLAN_LIMIT_REACHED' })
  code!: DomainErrorCode;

  @ApiProperty()
  detail!: string;
}

export class ChooseAccountsBody implements ChooseAccountsOutcome {
  @ApiProperty({ type: [ConnectionBody] })
  connections!: ConnectionBody[];

  @ApiProperty({
    type: [RefusedAccountBody],
    description: 'Chosen accounts the workspace refused (plan limit, connected elsewhere...)',
  })
  refused!: RefusedAccountBody[];
}
