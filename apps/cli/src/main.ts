import 'reflect-metadata';
import { loadAppConfig } from '@ledger/runtime';
import { runCli } from './cli';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }, loadAppConfig()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
