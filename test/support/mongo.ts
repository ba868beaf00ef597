import { randomUUID } from 'node:crypto';

/** The FerretDB started by global-setup, with a database of the test's own. */
export function testMongoUri(): string {
  const base = process.env.LEDGER_TEST_MONGODB_URI;
  if (!base)
    throw new Error(
      'LEDGER_TEST_MONGODB_URI is not set: run the tests through jest (global-setup starts FerretDB)',
    );
  return base;
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
