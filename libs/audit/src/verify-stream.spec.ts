import { randomUUID } from 'node:crypto';
import { chainHash, GENESIS_HASH, type RecordedEvent } from '@ledger/event-store';
import { verifyStream } from './verify-stream';
import { CheckpointSigner, loadSigningKey } from './signing-key';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STREAM = 'workspace-unit';

function chained(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let revision = 0; revision < count; revision += 1) {
    const fields = {
      streamId: STREAM,
      revision,
      id: randomUUID(),
      type: 'TestHappened',
      data: { i: revision, nested: { z: 1, a: [true, null] } },
      metadata: {
        actor: { userId: 'u', role: 'admin', ip: null, userAgent: null },
        correlationId: 'c',
        causationId: null,
        schemaVersion: 1,
      },
    };
    const hash = chainHash({ ...fields, prevHash });
    events.push({
      ...fields,
      position: String(revision + 1),
      recordedAt: new Date(),
      chain: { prevHash, hash },
    });
    prevHash = hash;
  }
  return events;
}

describe('verifyStream', () => {
  it('accepts an intact chain and an empty stream', () => {
    expect(verifyStream(chained(4))).toEqual({ checkedEvents: 4, firstBadEvent: null });
    expect(verifyStream([])).toEqual({ checkedEvents: 0, firstBadEvent: null });
  });

  it('does not depend on key order in data or metadata', () => {
    const events = chained(2);
    events[1] = { ...events[1], data: { nested: { a: [true, null], z: 1 }, i: 1 } };
    expect(verifyStream(events).firstBadEvent).toBeNull();
  });

  it('names an edited payload', () => {
    const events = chained(4);
    events[2] = { ...events[2], data: { i: 99 } };
    expect(verifyStream(events).firstBadEvent).toEqual({
      streamId: STREAM,
      revision: 2,
      eventId: events[2].id,
      problem: 'hash-mismatch',
    });
  });

  it('names edited metadata and type', () => {
    const byMetadata = chained(3);
    byMetadata[1] = {
      ...byMetadata[1],
      metadata: { ...byMetadata[1].metadata, correlationId: 'x' },
    };
    expect(verifyStream(byMetadata).firstBadEvent?.revision).toBe(1);
    const byType = chained(3);
    byType[0] = { ...byType[0], type: 'Other' };
    expect(verifyStream(byType).firstBadEvent?.revision).toBe(0);
  });

  it('names the first missing revision of a deleted event', () => {
    const events = chained(4);
    events.splice(1, 1);
    expect(verifyStream(events).firstBadEvent).toEqual({
      streamId: STREAM,
      revision: 1,
      eventId: null,
      problem: 'revision-gap',
    });
  });

  it('names a reordered event', () => {
    const events = chained(4);
    [events[1], events[2]] = [events[2], events[1]];
    // Revision 2 arrives where 1 belongs: revision 1 is missing from its place.
    expect(verifyStream(events).firstBadEvent).toMatchObject({
      revision: 1,
      eventId: null,
      problem: 'revision-gap',
    });
  });

  it('names an event whose link was cut, and an unchained event', () => {
    const events = chained(3);
    const other = chained(3);
    events[2] = { ...other[2], id: other[2].id };
    expect(verifyStream(events).firstBadEvent).toMatchObject({
      revision: 2,
      problem: 'prev-hash-mismatch',
    });
    const bare = chained(2);
    delete bare[1].chain;
    expect(verifyStream(bare).firstBadEvent).toMatchObject({ revision: 1, problem: 'unchained' });
  });
});

describe('checkpoint signing key', () => {
  it('signs and verifies; another key or an edited checkpoint fails', () => {
    const signer = CheckpointSigner.generate();
    const checkpoint = signer.sign({
      streamId: STREAM,
      revision: 3,
      hash: 'a'.repeat(64),
      signedAt: '2024-01-01T00:00:00.000Z',
      sequence: 1,
      prevCheckpointHash: '0'.repeat(64),
    });
    expect(signer.verify(checkpoint)).toBe(true);
    expect(signer.verify({ ...checkpoint, revision: 4 })).toBe(false);
    expect(signer.verify({ ...checkpoint, sequence: 2 })).toBe(false);
    // Stripped to look like a legacy row, it is checked over the legacy payload: still false.
    expect(signer.verify({ ...checkpoint, sequence: null, prevCheckpointHash: null })).toBe(false);
    expect(CheckpointSigner.generate().verify(checkpoint)).toBe(false);
    const again = CheckpointSigner.fromPkcs8Base64(signer.toPkcs8Base64());
    expect(again.keyId).toBe(signer.keyId);
    expect(again.verify(checkpoint)).toBe(true);
  });

  it('uses AUDIT_SIGNING_KEY, refuses production without it, else keeps a local key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-audit-key-'));
    try {
      const configured = CheckpointSigner.generate();
      expect(
        loadSigningKey({
          configuredKey: configured.toPkcs8Base64(),
          dataDir: dir,
          isProduction: true,
        }).signer.keyId,
      ).toBe(configured.keyId);
      expect(() => loadSigningKey({ dataDir: dir, isProduction: true })).toThrow(
        'AUDIT_SIGNING_KEY',
      );
      const first = loadSigningKey({ dataDir: dir, isProduction: false });
      const second = loadSigningKey({ dataDir: dir, isProduction: false });
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.signer.keyId).toBe(first.signer.keyId);
      expect(statSync(first.localPath as string).mode & 0o777).toBe(0o600);
      expect(() => CheckpointSigner.fromPkcs8Base64('not a key')).toThrow('PKCS8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
