import { ApiProperty } from '@nestjs/swagger';

export class HealthBody {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['ok', 'failed', 'timeout'] },
    example: { eventStore: 'ok', readModel: 'ok' },
  })
  checks!: Record<string, 'ok' | 'failed' | 'timeout'>;
}
