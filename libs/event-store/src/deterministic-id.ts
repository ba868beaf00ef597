import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, SHA-1) from a command id, a stream and an index:
 * the same command retried produces the same event ids, so the store can recognise the retry.
 */
export function deterministicEventId(commandId: string, streamId: string, index: number): string {
  return nameBasedUuid(`${commandId}\u0000${streamId}\u0000${index}`);
}

export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update('connection-ledger\u0000').update(name).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
