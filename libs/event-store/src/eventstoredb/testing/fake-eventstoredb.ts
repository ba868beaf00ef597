/**
 * A stand-in for EventStoreDB 24.10's Streams service, served over gRPC with grpc-js from the
 * client's own generated protos, so the real `EventStoreDBClient` talks to it exactly as to a
 * server. CI has no EventStoreDB (docs/decisions/0022-eventstoredb-fake-over-grpc.md says what
 * this proves and what it does not). It counts open calls so tests can see a leaked read.
 */
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerReadableStream,
  type ServerWritableStream,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import {
  type Expected,
  FakeEventLog,
  type ProposedRecord,
  type StoredRecord,
} from './fake-event-log';
import {
  expectedOfBatch,
  streamNameOf,
  toAppendResp,
  toBatchAppendResp,
  toProposedRecord,
} from './fake-append-messages';
import { toReadResp, toSubscriptionConfirmation } from './fake-read-messages';

/** Kestrel's default for HTTP/2 streams per connection, which EventStoreDB keeps. */
const KESTREL_MAX_CONCURRENT_STREAMS = 100;

/** What a call asked for, so tests can check what the adapter sends (not only what it gets). */
export interface RecordedCall {
  method: 'read' | 'append';
  /** The stream name, or `$all`. */
  stream: string;
  /** The read's maxCount; undefined for subscriptions and appends. */
  count?: bigint;
  subscription: boolean;
  requiresLeader: boolean;
  /** An append sent on the shared BatchAppend call (what the client uses on 24.10). */
  batch?: boolean;
}

export interface InjectedFailure {
  code: status;
  details: string;
  /** Only calls of this method fail; both when absent. */
  method?: 'read' | 'append';
}

interface PendingBatch {
  stream: string;
  expected: Expected;
  proposed: ProposedRecord[];
  close(): void;
}

export class FakeEventStoreDb {
  readonly log = new FakeEventLog();
  readonly calls: RecordedCall[] = [];
  /** Reads answer nothing and never end: a server that stopped responding. */
  stallReads = false;
  private open = 0;
  private readonly failures: InjectedFailure[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /**
   * `batchAppend: false` makes the server list no features (like one before 21.10), so the
   * client appends with one Append call each instead of its shared BatchAppend call.
   */
  static async start(options: { batchAppend?: boolean } = {}): Promise<FakeEventStoreDb> {
    const server = new Server({ 'grpc.max_concurrent_streams': KESTREL_MAX_CONCURRENT_STREAMS });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const fake = new FakeEventStoreDb(server, port);
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => fake.read(call),
      append: (
        call: ServerReadableStream<AppendReq, AppendResp>,
        done: sendUnaryData<AppendResp>,
      ) => fake.append(call, done),
      batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) =>
        fake.batchAppend(call),
    });
    if (options.batchAppend ?? true) {
      server.addService(ServerFeaturesService, {
        getSupportedMethods: (
          _call: ServerUnaryCall<unknown, SupportedMethods>,
          done: sendUnaryData<SupportedMethods>,
        ) => done(null, supportedMethods()),
      });
    }
    return fake;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Reads and appends the server is still serving: a read the client never cancelled stays. */
  get openCalls(): number {
    return this.open;
  }

  /** The next call (of `failure.method`, if given) fails with this gRPC status. */
  failNext(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  /** An event another client wrote, in whatever shape: no metadata, binary, not an object. */
  writeForeign(
    streamId: string,
    record: Partial<ProposedRecord> & Pick<ProposedRecord, 'id' | 'type'>,
  ): StoredRecord {
    return this.log.appendForeign(streamId, {
      contentType: 'application/json',
      data: Buffer.from('{}'),
      metadata: new Uint8Array(),
      ...record,
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  private track(
    method: RecordedCall['method'],
    stream: string,
    metadata: Metadata,
    extra: Partial<RecordedCall> = {},
  ): () => void {
    this.calls.push({
      method,
      stream,
      subscription: false,
      requiresLeader: metadata.get('requires-leader')[0] === 'true',
      ...extra,
    });
    this.open += 1;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.open -= 1;
    };
  }

  private takeFailure(method: RecordedCall['method']): InjectedFailure | undefined {
    const index = this.failures.findIndex((f) => !f.method || f.method === method);
    return index < 0 ? undefined : this.failures.splice(index, 1)[0];
  }

  private async read(call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions() as ReadReq.Options;
    const streamName = options.hasStream()
      ? Buffer.from(
          options.getStream()?.getStreamIdentifier()?.getStreamName_asU8() ?? [],
        ).toString('utf8')
      : '$all';
    const subscription = options.hasSubscription();
    const count = options.hasCount() ? BigInt(options.getCount()) : undefined;
    const close = this.track('read', streamName, call.metadata, { count, subscription });
    call.on('cancelled', close);
    const failure = this.takeFailure('read');
    if (failure) {
      close();
      call.emit('error', {
        code: failure.code,
        details: failure.details,
        metadata: new Metadata(),
      });
      return;
    }
    if (this.stallReads) return; // open until the client cancels
    if (subscription) {
      await this.serveSubscription(call, options);
      return;
    }
    const records = options.hasStream() ? this.log.stream(streamName) : this.log.all();
    if (!records) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(
        new StreamIdentifier().setStreamName(Buffer.from(streamName)),
      );
      await send(call, new ReadResp().setStreamNotFound(notFound));
    } else {
      for (const record of selectRecords(records, options, count)) {
        if (!(await send(call, toReadResp(record, !options.hasStream())))) return;
      }
    }
    call.end();
    close();
  }

  /** A catch-up subscription: confirmation, the events after `from`, then live appends. */
  private async serveSubscription(
    call: ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
  ): Promise<void> {
    const filter = options.getFilter()?.getEventType();
    const regex = filter?.getRegex() ? new RegExp(filter.getRegex()) : null;
    const from = options.getAll()?.getPosition();
    let next = 0;
    if (options.getAll()?.hasEnd()) next = this.log.all().length;
    else if (from) {
      const after = BigInt(from.getCommitPosition());
      next = this.log.all().findIndex((r) => r.position > after);
      if (next < 0) next = this.log.all().length;
    }
    await send(call, toSubscriptionConfirmation());
    let sending = false;
    const pump = async () => {
      if (sending) return;
      sending = true;
      try {
        while (next < this.log.all().length && !call.cancelled) {
          const record = this.log.all()[next];
          next += 1;
          if (regex && !regex.test(record.type)) continue;
          if (!(await send(call, toReadResp(record, true)))) return;
        }
      } finally {
        sending = false;
      }
    };
    const unlisten = this.log.onAppend(() => void pump());
    call.on('cancelled', unlisten);
    await pump();
  }

  /**
   * The client's one long-lived append call: each append is a request (or several, the last
   * one final) under its correlation id, answered on the same call. Counted as open while an
   * append is in flight, not for the call's lifetime.
   */
  private batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId()?.getString() ?? '';
      let append = pending.get(correlationId);
      if (!append) {
        const options = request.getOptions() as BatchAppendReq.Options;
        const stream = streamNameOf(options.getStreamIdentifier());
        const close = this.track('append', stream, call.metadata, { batch: true });
        append = { stream, expected: expectedOfBatch(options), proposed: [], close };
        pending.set(correlationId, append);
      }
      append.proposed.push(...request.getProposedMessagesList().map(toProposedRecord));
      if (!request.getIsFinal()) return;
      pending.delete(correlationId);
      append.close();
      const failure = this.takeFailure('append');
      if (failure) {
        call.emit('error', { ...failure, metadata: new Metadata() });
        return;
      }
      const outcome = this.log.append(append.stream, append.expected, append.proposed);
      call.write(toBatchAppendResp(correlationId, append.stream, outcome, append.expected));
    });
    call.on('cancelled', () => {
      for (const append of pending.values()) append.close();
    });
    call.on('end', () => call.end());
  }

  private append(
    call: ServerReadableStream<AppendReq, AppendResp>,
    done: sendUnaryData<AppendResp>,
  ): void {
    let streamName = '';
    let expected: Expected = 'any';
    const proposed: ProposedRecord[] = [];
    let close = () => undefined as void;
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) {
        const options = request.getOptions() as AppendReq.Options;
        streamName = streamNameOf(options.getStreamIdentifier());
        expected = options.hasRevision()
          ? { revision: Number(options.getRevision()) }
          : options.hasNoStream()
            ? 'no_stream'
            : options.hasStreamExists()
              ? 'stream_exists'
              : 'any';
        close = this.track('append', streamName, call.metadata);
        return;
      }
      proposed.push(toProposedRecord(request.getProposedMessage() as AppendReq.ProposedMessage));
    });
    call.on('cancelled', () => close());
    call.on('end', () => {
      close();
      const failure = this.takeFailure('append');
      if (failure) {
        done(Object.assign(new Error(failure.details), failure));
        return;
      }
      done(null, toAppendResp(this.log.append(streamName, expected, proposed), expected));
    });
  }
}

/** The records a read asks for: direction, start and count, as the server picks them. */
function selectRecords(
  records: readonly StoredRecord[],
  options: ReadReq.Options,
  count: bigint | undefined,
): StoredRecord[] {
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const max = Number(count ?? BigInt(Number.MAX_SAFE_INTEGER));
  let start: number;
  if (options.hasStream()) {
    const stream = options.getStream() as ReadReq.Options.StreamOptions;
    if (stream.hasEnd()) start = backwards ? records.length - 1 : records.length;
    else if (stream.hasRevision()) start = Number(stream.getRevision());
    else start = 0;
  } else {
    const all = options.getAll() as ReadReq.Options.AllOptions;
    if (all.hasEnd()) start = backwards ? records.length - 1 : records.length;
    else if (all.hasPosition()) {
      // Inclusive, like the server: a forward read from an event's position starts with it.
      const at = BigInt(all.getPosition()?.getCommitPosition() ?? '0');
      start = records.findIndex((r) => r.position >= at);
      if (start < 0) start = records.length;
    } else start = 0;
  }
  if (!backwards) return records.slice(start, start + max);
  return records.slice(Math.max(0, start - max + 1), start + 1).reverse();
}

/**
 * Writes one message with HTTP/2 flow control, as the server does: a reader that stops
 * pulling leaves the call waiting here, open, until the client cancels it. False once the
 * call is cancelled.
 */
async function send(
  call: ServerWritableStream<ReadReq, ReadResp>,
  message: ReadResp,
): Promise<boolean> {
  if (call.cancelled) return false;
  if (call.write(message)) return true;
  await new Promise<void>((resolve) => {
    const settle = () => {
      call.off('drain', settle);
      call.off('cancelled', settle);
      resolve();
    };
    call.on('drain', settle);
    call.on('cancelled', settle);
  });
  return !call.cancelled;
}

/** What a 24.10 server lists that the client looks at: BatchAppend. */
function supportedMethods(): SupportedMethods {
  const streams = 'event_store.client.streams.Streams';
  return new SupportedMethods()
    .setEventStoreServerVersion('24.10.0')
    .setMethodsList(
      ['Read', 'Append', 'BatchAppend'].map((name) =>
        new SupportedMethod().setServiceName(streams).setMethodName(name),
      ),
    );
}
