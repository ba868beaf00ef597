import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The layout rule of docs/decisions/0016, through the project's own ESLint config: an app never
 * imports another app, libs/ never import apps/, tests may. Each case lints a one-line file as if
 * it lived at the given path (the real file need not exist).
 */
const root = join(__dirname, '../..');
const eslint = join(root, 'node_modules/.bin/eslint');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

function lint(path: string, source: string): LintMessage[] {
  const output = (() => {
    try {
      return execFileSync(eslint, ['--stdin', '--stdin-filename', path, '--format', 'json'], {
        cwd: root,
        input: source,
        encoding: 'utf8',
      });
    } catch (error) {
      // ESLint exits 1 when it reports an error; its JSON report is still on stdout.
      return (error as { stdout: string }).stdout;
    }
  })();
  const [result] = JSON.parse(output) as { messages: LintMessage[] }[];
  return result.messages;
}

const restricted = (messages: LintMessage[]) =>
  messages.filter((m) => m.ruleId === 'no-restricted-imports');

const probe = (specifier: string) =>
  `import * as other from '${specifier}';\nexport const used = other;\n`;

describe('app boundaries (ESLint)', () => {
  it.each([
    ['apps/worker/src/probe.ts', '../../api/src/config/app-config'],
    ['apps/api/src/probe.ts', '../../worker/src/main'],
    ['apps/api/src/refresh-connection/probe.ts', '../../../../apps/worker/src/main'],
    ['apps/cli/src/probe.ts', '../../api/src/list-connections/list-connections.dto'],
  ])('refuses %s importing %s (another app)', (path, specifier) => {
    const [error] = restricted(lint(path, probe(specifier)));
    expect(error?.message).toContain('never imports another app');
  });

  it.each([
    ['libs/jobs/src/probe.ts', '../../../apps/api/src/app.module'],
    ['libs/runtime/src/storage/probe.ts', '../../../../apps/worker/src/main'],
    ['libs/domain/src/probe.ts', '../../../apps/api/src/app.module'],
  ])('refuses %s importing %s (a library importing an app)', (path, specifier) => {
    const [error] = restricted(lint(path, probe(specifier)));
    expect(error?.message).toContain('libs/ never import apps/');
  });

  it('keeps the domain pure beside the app rule', () => {
    expect(restricted(lint('libs/domain/src/probe.ts', probe('@nestjs/common')))).toHaveLength(1);
  });

  it.each([
    ['apps/worker/src/probe.ts', '@ledger/runtime'],
    ['apps/api/src/probe.ts', './http/http-edge'],
    ['apps/api/src/probe.ts', '@ledger/jobs'],
    ['test/e2e/probe.ts', '../../apps/api/src/app.module'],
  ])('lets %s import %s', (path, specifier) => {
    expect(restricted(lint(path, probe(specifier)))).toEqual([]);
  });
});
