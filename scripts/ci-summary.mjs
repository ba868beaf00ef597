// Prints the closing line of a CI run, `N passed, N failed, N skipped`, from jest's JSON
// results: the tools that run after jest (the fuzzer, the benchmarks) end with lines of their
// own, and a run must still read as the tests it executed.
// A step after jest that failed (the fuzzer) counts as one failure more, so a red run never
// closes on "0 failed".
// Usage: node scripts/ci-summary.mjs <jest --json output file> [exit status of the run]
import { readFileSync } from 'node:fs';

const [file, status = '0'] = process.argv.slice(2);
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  // npm test stopped before jest wrote its results (type-check, lint or format failed).
  process.stdout.write(
    'no jest results: npm test failed before its tests ran\n0 passed, 1 failed\n',
  );
  process.exit(0);
}
const failedSuites = results.numRuntimeErrorTestSuites ?? 0;
const passed = results.numPassedTests;
const jestFailed = results.numFailedTests + failedSuites;
const failed = jestFailed === 0 && status !== '0' ? 1 : jestFailed;
if (failed > jestFailed)
  process.stdout.write(`jest passed, but a later CI step failed (exit ${status})\n`);
const skipped = results.numPendingTests + (results.numTodoTests ?? 0);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
