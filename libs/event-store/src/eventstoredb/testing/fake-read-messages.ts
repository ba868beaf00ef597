/** ReadResp messages as EventStoreDB 24.10 sends them (the fake server's wire format). */
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import type { StoredRecord } from './fake-event-log';

export function toReadResp(record: StoredRecord, fromAll: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(record.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamId)))
    .setStreamRevision(String(record.revision))
    .setCommitPosition(String(record.position))
    .setPreparePosition(String(record.position))
    .setCustomMetadata(record.metadata)
    .setData(record.data);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    .set('content-type', record.contentType)
    .set('created', String(record.created));
  const event = new ReadResp.ReadEvent().setEvent(recorded);
  // $all reads carry the commit position on the envelope; stream reads carry none there.
  if (fromAll) event.setCommitPosition(String(record.position));
  else event.setNoPosition(new Empty());
  return new ReadResp().setEvent(event);
}

export function toSubscriptionConfirmation(): ReadResp {
  return new ReadResp().setConfirmation(
    new ReadResp.SubscriptionConfirmation().setSubscriptionId(`fake-${Date.now()}`),
  );
}
