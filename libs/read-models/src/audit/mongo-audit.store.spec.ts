import { openOverTheWire } from '@ledger/testing/mongo';
import { auditStoreContract } from './audit.contract';
import { MongoAuditStore } from './mongo-audit.store';

auditStoreContract('MongoAuditStore (FerretDB over the wire)', () =>
  openOverTheWire('audit', (connection) => MongoAuditStore.open({ mongo: connection })),
);
