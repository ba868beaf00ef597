import 'reflect-metadata';
import { loadAppConfig } from '../../api/src/config/app-config';
import { runCli } from './cli';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }, loadAppConfig()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
