import {
  AccessDeniedError,
  ANY,
  type AllStreamResolvedEvent,
  convertToCommandError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { anEvent } from '../contract/contract-helpers';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { chainHash } from '../chain';
import {
  CHAIN_METADATA_KEY,
  comparePositions,
  formatPosition,
  fromEsdbError,
  isTransientEsdbError,
  linkEvents,
  parsePosition,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
} from './esdb-mapping';

/** A gRPC failure as @grpc/grpc-js reports it, before the client converts it. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

function resolvedEvent(
  overrides: Partial<NonNullable<AllStreamResolvedEvent['event']>> = {},
): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 'connection-1',
      id: '8a4b0a51-9a7b-4a4e-9a52-3d2f4b1c0e11',
      isJson: true,
      revision: BigInt(7),
      type: 'ConnectionConnected',
      created: new Date('2025-01-02T03:04:05.678Z'),
      data: { platform: 'x' },
      metadata: { correlationId: 'c-1', schemaVersion: 1 },
      position: { commit: BigInt(1200), prepare: BigInt(1100) },
      ...overrides,
    } as NonNullable<AllStreamResolvedEvent['event']>,
    commitPosition: BigInt(1200),
  };
}

describe('EventStoreDB mapping', () => {
  describe('expected revision', () => {
    it.each([
      ['any', ANY],
      ['no_stream', NO_STREAM],
      ['stream_exists', STREAM_EXISTS],
      [0, BigInt(0)],
      [41, BigInt(41)],
    ] as const)('maps %p', (ours, theirs) => {
      expect(toEsdbExpectedRevision(ours)).toBe(theirs);
    });
  });

  it('writes events as JSON with their own ids, data and metadata', () => {
    const event = anEvent('ConnectionConnected', { platform: 'x' });
    expect(toEventData(event)).toEqual({
      id: event.id,
      contentType: 'application/json',
      type: 'ConnectionConnected',
      data: { platform: 'x' },
      metadata: event.metadata,
    });
  });

  describe('errors', () => {
    it('turns a unary append conflict into WrongExpectedRevisionError with the actual revision', () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 'connection-1',
        expected: BigInt(2),
        current: BigInt(5),
      });
      const mapped = fromEsdbError(error, { streamId: 'connection-1', expected: 2 });

      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect(mapped).toMatchObject({ streamId: 'connection-1', expected: 2, actual: 5 });
    });

    it('turns a batch-append conflict on a missing stream into actual no_stream', () => {
      // The protobuf the server sends on the batch append path, as the client unpacks it.
      const details = new WrongExpectedVersion().setExpectedStreamPosition('3');
      const error = WrongExpectedVersionError.fromWrongExpectedVersion(details, 'connection-2');

      const mapped = fromEsdbError(error);

      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect(mapped).toMatchObject({ streamId: 'connection-2', expected: 3, actual: 'no_stream' });
    });

    it('keeps the caller’s expected revision for stream_exists conflicts', () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 's',
        expected: STREAM_EXISTS,
        current: NO_STREAM,
      });
      expect(fromEsdbError(error, { streamId: 's', expected: 'stream_exists' })).toMatchObject({
        expected: 'stream_exists',
        actual: 'no_stream',
      });
    });

    it.each([
      ['UNAVAILABLE', 14],
      ['DEADLINE_EXCEEDED', 4],
      ['ABORTED (client timeout)', 10],
    ])('turns gRPC %s into EventStoreUnavailableError', (_name, code) => {
      const clientError = convertToCommandError(grpcError(code, 'connection lost'));
      const mapped = fromEsdbError(clientError);

      expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
      expect((mapped as EventStoreUnavailableError).cause).toBe(clientError);
    });

    it('treats failed cluster discovery as unavailable', () => {
      expect(fromEsdbError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(
        EventStoreUnavailableError,
      );
    });

    it('passes other errors through unchanged', () => {
      const denied = new AccessDeniedError(undefined, 'access denied');
      const notFound = new StreamNotFoundError(undefined, 'connection-3');
      const plain = new Error('bug');
      expect(fromEsdbError(denied)).toBe(denied);
      expect(fromEsdbError(notFound)).toBe(notFound);
      expect(fromEsdbError(plain)).toBe(plain);
    });

    it('classifies which errors a subscription may retry', () => {
      expect(isTransientEsdbError(new UnavailableError())).toBe(true);
      expect(isTransientEsdbError(convertToCommandError(grpcError(4, 'deadline')))).toBe(true);
      expect(isTransientEsdbError(new AccessDeniedError())).toBe(false);
      expect(isTransientEsdbError(new StreamNotFoundError(undefined, 's'))).toBe(false);
      expect(isTransientEsdbError('not an error')).toBe(false);
    });
  });

  describe('recorded events', () => {
    it('maps a JSON event: revision as a number, commit/prepare position, created date', () => {
      expect(toRecordedEvent(resolvedEvent())).toEqual({
        id: '8a4b0a51-9a7b-4a4e-9a52-3d2f4b1c0e11',
        streamId: 'connection-1',
        revision: 7,
        position: '1200/1100',
        type: 'ConnectionConnected',
        data: { platform: 'x' },
        metadata: { correlationId: 'c-1', schemaVersion: 1 },
        recordedAt: new Date('2025-01-02T03:04:05.678Z'),
      });
    });

    it('parses JSON stored as bytes', () => {
      const bytes = new Uint8Array(Buffer.from('{"a":1}'));
      const event = toRecordedEvent(resolvedEvent({ isJson: false, data: bytes } as never));
      expect(event?.data).toEqual({ a: 1 });
    });

    it('skips system events and links whose event is gone', () => {
      expect(toRecordedEvent(resolvedEvent({ type: '$metadata' }))).toBeNull();
      expect(toRecordedEvent({ commitPosition: BigInt(1) })).toBeNull();
    });

    it('skips and logs an event whose data or metadata is not a JSON object', () => {
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        expect(toRecordedEvent(resolvedEvent({ data: 'text' }))).toBeNull();
        expect(toRecordedEvent(resolvedEvent({ metadata: undefined }))).toBeNull();
        const binary = new Uint8Array([0xff, 0x00]);
        expect(toRecordedEvent(resolvedEvent({ isJson: false, data: binary } as never))).toBeNull();
        expect(warn.mock.calls.map(([line]) => String(line))).toEqual([
          expect.stringMatching(/^skipped foreign event .*"reason":"data is not a JSON object"/),
          expect.stringMatching(
            /^skipped foreign event .*"reason":"metadata is not a JSON object"/,
          ),
          expect.stringMatching(/^skipped foreign event .*"streamId":"connection-1"/),
        ]);
      } finally {
        warn.mockRestore();
      }
    });

    it('leaves the position empty when the server does not report one (before 22.6)', () => {
      expect(toRecordedEvent(resolvedEvent({ position: undefined }))?.position).toBe('');
    });
  });

  describe('positions', () => {
    it('round-trips commit/prepare, beyond 2^53', () => {
      const position = { commit: BigInt('9007199254740993'), prepare: BigInt(5) };
      expect(parsePosition(formatPosition(position))).toEqual(position);
    });

    it('refuses anything else', () => {
      expect(() => parsePosition('12')).toThrow(TypeError);
      expect(() => parsePosition('a/b')).toThrow(TypeError);
    });

    it('orders by commit, then prepare', () => {
      const p = (c: number, pr: number) => ({ commit: BigInt(c), prepare: BigInt(pr) });
      expect(comparePositions(p(1, 9), p(2, 0))).toBe(-1);
      expect(comparePositions(p(2, 3), p(2, 1))).toBe(1);
      expect(comparePositions(p(2, 3), p(2, 3))).toBe(0);
    });
  });
});

describe('hash chain in EventStoreDB metadata', () => {
  it('links an append to its base and reads the link back out of the metadata', () => {
    const [a, b] = [anEvent('A', { x: 1 }), anEvent('B')];
    const [first, second] = linkEvents('s-1', [a, b], { revision: 4, hash: 'p'.repeat(64) });
    const firstMeta = first.metadata as Record<string, unknown>;
    const secondMeta = second.metadata as Record<string, unknown>;
    const firstLink = firstMeta[CHAIN_METADATA_KEY] as { prevHash: string; hash: string };
    expect(firstLink.prevHash).toBe('p'.repeat(64));
    expect(firstLink.hash).toBe(
      chainHash({
        streamId: 's-1',
        revision: 5,
        id: a.id,
        type: 'A',
        data: a.data,
        metadata: a.metadata,
        prevHash: 'p'.repeat(64),
      }),
    );
    expect((secondMeta[CHAIN_METADATA_KEY] as { prevHash: string }).prevHash).toBe(firstLink.hash);

    const read = toRecordedEvent(
      resolvedEvent({ streamId: 's-1', revision: BigInt(5), metadata: firstMeta }),
    );
    expect(read?.chain).toEqual(firstLink);
    expect(read?.metadata).toEqual(a.metadata);
  });

  it('reads an event written before chaining without a chain', () => {
    expect(toRecordedEvent(resolvedEvent())?.chain).toBeUndefined();
  });
});
