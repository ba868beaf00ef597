import Database from 'better-sqlite3';
import { join } from 'node:path';
import request from 'supertest';
import { ChainCheckpoints } from '@ledger/audit';
import { ageStream, deleteCheckpointRows, rechainStream } from '../support/audit-tamper';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

describe.each(['sqlite', 'ferretdb'] as const)(
  'tamper evidence over HTTP: /audit/verify and the checkpoint export, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    const WS = 'ws-verify';
    const STREAM = `workspace-${WS}`;
    const api = () => request(ledger.server);
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    let auditor: string;

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');
      const owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
      const admin = ledger.token({ [WS]: 'admin' }, 'admin-1');
      await api()
        .put(`/v1/workspaces/${WS}/plan`)
        .set(as(owner))
        .send({ plan: 'starter' })
        .expect(200);
      for (const [id, name] of [
        ['3001', 'One'],
        ['3002', 'Two'],
      ]) {
        const connected = await ledger.connectX(WS, admin, {
          id,
          name,
          username: name.toLowerCase(),
        });
        expect(connected.status).toBe(200);
      }
      // The scheduled job signs heads every minute; sign now.
      await ledger.app.get(ChainCheckpoints).signHeads();
    });
    afterAll(() => ledger.close());

    it('answers ok on an untouched workspace, for owner, admin and auditor only', async () => {
      const res = await api().get(`/v1/workspaces/${WS}/audit/verify`).set(as(auditor)).expect(200);
      expect(res.body).toEqual({
        ok: true,
        failures: [],
        checkedEvents: expect.any(Number),
        firstBadEvent: null,
        missingCheckpoint: null,
        badCheckpoint: null,
        checkpoints: { checked: 1, legacy: 0, latestSignedAt: expect.any(String) },
      });
      expect(res.body.checkedEvents).toBeGreaterThanOrEqual(3);

      const editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
      const refused = await api().get(`/v1/workspaces/${WS}/audit/verify`).set(as(editor));
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    });

    it('exports the signed checkpoints as JSON Lines', async () => {
      const res = await api()
        .get(`/v1/workspaces/${WS}/audit/checkpoints`)
        .set(as(auditor))
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => done(null, text));
        })
        .expect(200);
      expect(res.headers['content-type']).toContain('application/x-ndjson');
      const lines = (res.body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toEqual([
        {
          streamId: STREAM,
          revision: expect.any(Number),
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          signedAt: expect.any(String),
          keyId: expect.any(String),
          sequence: 1,
          prevCheckpointHash: '0'.repeat(64),
          signature: expect.any(String),
          publicKey: expect.any(String),
        },
      ]);
    });

    it('names the bad event after a row of the events file was edited', async () => {
      const db = new Database(join(ledger.dataDir, 'events.db'));
      let eventId: string;
      try {
        const row = db
          .prepare('SELECT id, data FROM events WHERE stream_id = ? AND revision = 1')
          .get(STREAM) as { id: string; data: string };
        eventId = row.id;
        const data = JSON.parse(row.data) as Record<string, unknown>;
        db.prepare('UPDATE events SET data = ? WHERE id = ?').run(
          JSON.stringify({ ...data, forged: true }),
          row.id,
        );
      } finally {
        db.close();
      }
      const res = await api().get(`/v1/workspaces/${WS}/audit/verify`).set(as(auditor)).expect(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.firstBadEvent).toEqual({
        streamId: STREAM,
        revision: 1,
        eventId,
        problem: 'hash-mismatch',
      });
      expect(res.body.failures).toEqual(['bad-event']);
    });

    it('fails a rewritten, rechained history whose checkpoints were deleted', async () => {
      const HIDDEN = 'ws-verify-hidden';
      const hiddenStream = `workspace-${HIDDEN}`;
      const owner = ledger.token({ [HIDDEN]: 'owner' }, 'owner-2');
      await api()
        .put(`/v1/workspaces/${HIDDEN}/plan`)
        .set(as(owner))
        .send({ plan: 'starter' })
        .expect(200);
      await ledger.app.get(ChainCheckpoints).signHeads();
      const before = await api()
        .get(`/v1/workspaces/${HIDDEN}/audit/verify`)
        .set(as(owner))
        .expect(200);
      expect(before.body).toMatchObject({ ok: true, checkpoints: { checked: 1 } });

      const db = new Database(join(ledger.dataDir, 'events.db'));
      let eventId: string;
      try {
        const row = db
          .prepare('SELECT id, data FROM events WHERE stream_id = ? AND revision = 0')
          .get(hiddenStream) as { id: string; data: string };
        eventId = row.id;
        db.prepare('UPDATE events SET data = ? WHERE id = ?').run(
          JSON.stringify({ ...JSON.parse(row.data), plan: 'enterprise' }),
          row.id,
        );
        rechainStream(db, hiddenStream);
        // Time passes: the events are now an hour old.
        ageStream(db, hiddenStream, 3_600_000);
      } finally {
        db.close();
      }
      expect(await deleteCheckpointRows(ledger.config, hiddenStream)).toBe(1);

      const res = await api()
        .get(`/v1/workspaces/${HIDDEN}/audit/verify`)
        .set(as(owner))
        .expect(200);
      expect(res.body).toMatchObject({
        ok: false,
        failures: ['missing-checkpoint'],
        firstBadEvent: null,
        badCheckpoint: null,
        missingCheckpoint: { streamId: hiddenStream, revision: 0, eventId },
        checkpoints: { checked: 0 },
      });
    });
  },
);
