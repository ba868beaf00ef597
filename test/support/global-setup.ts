import { startFerretdb } from './ferretdb';

/**
 * Starts one FerretDB for the whole run unless the caller already gave one
 * (LEDGER_TEST_MONGODB_URI), and hands its URI to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.LEDGER_TEST_MONGODB_URI) return;
  const ferretdb = await startFerretdb();
  process.env.LEDGER_TEST_MONGODB_URI = ferretdb.uri;
  process.env.LEDGER_TEST_FERRETDB_PID = String(ferretdb.pid);
}
