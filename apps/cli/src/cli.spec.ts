import Database from 'better-sqlite3';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ChainCheckpoints } from '@ledger/audit';
import { ageStream, deleteCheckpointRows } from '@ledger/testing/audit-tamper';
import { startLedgerApp, type LedgerTestApp } from '@ledger/testing/ledger-app';
import { runCli } from './cli';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c: Buffer) => (chunks.out += c.toString()));
  err.on('data', (c: Buffer) => (chunks.err += c.toString()));
  return { io: { out, err }, chunks };
}

describe.each(['sqlite', 'ferretdb'] as const)(
  'the compliance CLI, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let connectionId: string;
    const WS = 'ws-cli';
    const run = async (...argv: string[]) => {
      const { io, chunks } = capture();
      const code = await runCli(argv, io, ledger.config);
      return { code, ...chunks };
    };

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      const owner = ledger.token({ [WS]: 'owner' });
      connectionId = (
        await ledger.connectX(WS, owner, { id: '8801', name: 'Cli', username: 'cli' })
      ).body.connections[0].id;
    });
    afterAll(() => ledger.close());

    it('prints a connection’s history as JSON Lines', async () => {
      const { code, out } = await run('history', WS, connectionId);
      expect(code).toBe(0);
      const types = out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).type);
      expect(types).toEqual(['ConnectionConnected', 'MainAccountSet']);
    });

    it('prints the connections as they stood at an instant, and none before the workspace existed', async () => {
      const now = await run('as-of', WS, new Date().toISOString());
      expect(JSON.parse(now.out)).toEqual([
        expect.objectContaining({ id: connectionId, isMain: true }),
      ]);
      const before = await run('as-of', WS, '2000-01-01T00:00:00Z');
      expect(JSON.parse(before.out)).toEqual([]);
    });

    it('exports the audit trail with actors, and rebuilds the read models with a progress bar', async () => {
      const exported = await run('audit-export', WS);
      expect(exported.code).toBe(0);
      const entries = exported.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'event',
            type: 'ConnectionConnected',
            actor: expect.objectContaining({ userId: 'user-1' }),
          }),
        ]),
      );
      const rebuilt = await run('rebuild');
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.err).toMatch(/rebuilding read models \[#+\] 100%/);
    });

    it('answers usage errors with exit code 2', async () => {
      expect((await run('nonsense')).code).toBe(2);
      expect((await run('verify')).code).toBe(2);
    });

    it('verifies an untouched history (exit 0) and names the first bad event after the file is edited (exit 1)', async () => {
      expect((await run('verify', WS)).code).toBe(0);
      const db = new Database(join(ledger.dataDir, 'events.db'));
      try {
        const changed = db
          .prepare(
            "UPDATE events SET data = replace(data, '8801', '9999') WHERE stream_id = ? AND revision = 0",
          )
          .run(`workspace-${WS}`);
        expect(changed.changes).toBe(1);
      } finally {
        db.close();
      }
      const tampered = await run('verify', WS);
      expect(tampered.code).toBe(1);
      expect(tampered.err).toMatch(new RegExp(`TAMPERED: workspace-${WS} revision 0`));
    });

    it('fails verify (exit 1) when the checkpoints of an old history were deleted', async () => {
      const OTHER = 'ws-cli-unsigned';
      const owner = ledger.token({ [OTHER]: 'owner' });
      await ledger.connectX(OTHER, owner, { id: '8802', name: 'Cli2', username: 'cli2' });
      await ledger.app.get(ChainCheckpoints).signHeads();
      expect(await deleteCheckpointRows(ledger.config, `workspace-${OTHER}`)).toBe(1);
      const db = new Database(join(ledger.dataDir, 'events.db'));
      try {
        ageStream(db, `workspace-${OTHER}`, 3_600_000);
      } finally {
        db.close();
      }
      const result = await run('verify', OTHER);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out)).toMatchObject({ ok: false, failures: ['missing-checkpoint'] });
      expect(result.err).toMatch(
        new RegExp(`TAMPERED: workspace-${OTHER} revision 0: no signed checkpoint, due by `),
      );
    });
  },
);
