/**
 * Append requests and replies as EventStoreDB 24.10 reads and sends them, for both append
 * calls: Append (one call per append) and BatchAppend (one long-lived call, the one the
 * client uses when the server lists it among its features).
 */
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  AllStreamPosition,
  Empty,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion as SharedWrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import {
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
} from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, Expected, ProposedRecord } from './fake-event-log';

type Proposed = Pick<
  BatchAppendReq.ProposedMessage,
  'getId' | 'getMetadataMap' | 'getData_asU8' | 'getCustomMetadata_asU8'
>;

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? []).toString('utf8');
}

export function toProposedRecord(message: Proposed): ProposedRecord {
  return {
    id: message.getId()?.getString() ?? '',
    type: message.getMetadataMap().get('type') ?? '',
    contentType: message.getMetadataMap().get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

export function expectedOfBatch(options: BatchAppendReq.Options): Expected {
  if (options.hasStreamPosition()) return { revision: Number(options.getStreamPosition()) };
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
}

export function toAppendResp(outcome: AppendOutcome, expected: Expected): AppendResp {
  if (outcome.ok) {
    const position = new AppendResp.Position()
      .setCommitPosition(String(outcome.position))
      .setPreparePosition(String(outcome.position));
    return new AppendResp().setSuccess(
      new AppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position),
    );
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current === 'no_stream') wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(String(outcome.current));
  if (typeof expected === 'object') wrong.setExpectedRevision(String(expected.revision));
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

/** A conflict on BatchAppend is a google.rpc.Status carrying the shared WrongExpectedVersion. */
export function toBatchAppendResp(
  correlationId: string,
  streamName: string,
  outcome: AppendOutcome,
  expected: Expected,
): BatchAppendResp {
  const resp = new BatchAppendResp()
    .setCorrelationId(new UUID().setString(correlationId))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(streamName)));
  if (outcome.ok) {
    const position = new AllStreamPosition()
      .setCommitPosition(String(outcome.position))
      .setPreparePosition(String(outcome.position));
    return resp.setSuccess(
      new BatchAppendResp.Success()
        .setCurrentRevision(String(outcome.revision))
        .setPosition(position),
    );
  }
  const wrong = new SharedWrongExpectedVersion();
  if (outcome.current === 'no_stream') wrong.setCurrentNoStream(new ProtoEmpty());
  else wrong.setCurrentStreamRevision(String(outcome.current));
  if (typeof expected === 'object') wrong.setExpectedStreamPosition(String(expected.revision));
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new ProtoEmpty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new ProtoEmpty());
  else wrong.setExpectedAny(new ProtoEmpty());
  const details = new Any();
  details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return resp.setError(
    new Status()
      .setCode(Code.FAILED_PRECONDITION)
      .setMessage('Append failed due to WrongExpectedVersion')
      .setDetails(details),
  );
}
