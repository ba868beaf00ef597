import { Module } from '@nestjs/common';
import { ConnectionTeardown } from './connection-teardown';

/** The one teardown (revoke, shred, release) that disconnect and breach response share. */
@Module({ providers: [ConnectionTeardown], exports: [ConnectionTeardown] })
export class ConnectionTeardownModule {}
