export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.LEDGER_TEST_FERRETDB_PID);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
