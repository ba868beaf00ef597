import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('DATA_DIR is private: the directory 0700, every file the service writes there 0600', () => {
  let ledger: LedgerTestApp;
  let dataDir: string;
  const WS = 'ws-private';

  beforeAll(async () => {
    // As an older version (or a careless copy) left it: open to everyone on the machine.
    dataDir = join(mkdtempSync(join(tmpdir(), 'ledger-private-')), 'data');
    const parent = join(dataDir, '..');
    chmodSync(parent, 0o755);
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'events.db'), '');
    chmodSync(join(dataDir, 'events.db'), 0o644);
    ledger = await startLedgerApp({ env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('tightens the directory and the files, including WAL files and the OAuth flows (PKCE verifiers)', async () => {
    const owner = ledger.token({ [WS]: 'owner' });
    // A pending flow (state and PKCE verifier in oauth.sqlite), then a whole connection.
    await request(ledger.server)
      .post(`/v1/workspaces/${WS}/connections/oauth/x`)
      .set('Authorization', `Bearer ${owner}`)
      .send({})
      .expect(201);
    const connected = await ledger.connectX(WS, owner, { id: '8001', name: 'P', username: 'p' });
    expect(connected.status).toBe(200);
    await request(ledger.server)
      .post(`/v1/workspaces/${WS}/posts`)
      .set('Authorization', `Bearer ${owner}`)
      .set('Idempotency-Key', 'private-1')
      .send({ platform: 'x', content: 'Hi', publishAt: '2027-01-01T09:00:00Z' })
      .expect(201);

    expect(modeOf(dataDir)).toBe(0o700);
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const names = files.map((file) => file.slice(dataDir.length + 1));
    expect(names).toEqual(
      expect.arrayContaining([
        'events.db',
        'events.db-wal',
        'oauth.sqlite',
        'oauth.sqlite-wal',
        'oauth.sqlite-shm',
        'tokens.sqlite',
        'idempotency.sqlite',
        'audit-signing-key',
      ]),
    );
    const loose = files.filter((file) => modeOf(file) !== 0o600);
    expect(loose.map((file) => `${file}: ${modeOf(file).toString(8)}`)).toEqual([]);
  });
});
