import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConnectionBody } from '../list-connections/connection.response';
import type { OfferedAccountView } from '../choose-accounts/offered-selection';

export class AuthorizationUrlBody {
  @ApiProperty({ format: 'uri', description: 'Send the user’s browser here' })
  authorizationUrl!: string;

  @ApiPropertyOptional({
    enum: [true],
    description: 'Present (true) when the platform runs in the local sandbox, outside production',
  })
  sandbox?: true;
}

export class ConnectedBody {
  @ApiProperty({ type: [ConnectionBody], description: 'Connected or restored' })
  connections!: ConnectionBody[];
}

export class OfferedAccountBody implements OfferedAccountView {
  @ApiProperty()
  accountId!: string;

  @ApiProperty()
  accountName!: string;

  @ApiProperty()
  accountType!: string;

  @ApiProperty()
  connectable!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why it cannot be connected' })
  reason!: string | null;
}

export class SelectionBody {
  @ApiProperty({ description: 'POST the chosen accounts to .../connections/selections/{id}' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: [OfferedAccountBody] })
  accounts!: OfferedAccountBody[];
}

export class SelectionToChooseBody {
  @ApiProperty({ type: () => SelectionBody })
  selection!: SelectionBody;
}

/** The start answers set the cookie that binds the flow to this browser (decision 0008). */
export const BINDING_COOKIE_HEADER = {
  'Set-Cookie': {
    description:
      "The flow's binding cookie (`__Host-ledger-oauth-…` over https; HttpOnly, SameSite=Lax, 10 minutes): the callback completes only in the browser holding it, or with the starter's bearer",
    schema: { type: 'string' as const },
  },
};
