import { createHash } from 'node:crypto';

/**
 * The hash chain that makes each stream tamper-evident: every event carries the hash of the
 * event before it in its stream (`prevHash`; GENESIS_HASH for revision 0) and its own `hash`,
 * SHA-256 over the canonical JSON of {data, id, metadata, prevHash, revision, streamId, type}.
 * `metadata` is the caller's metadata, without the chain itself. Both adapters compute it
 * inside the append, against the revision the append is checked against.
 */
export interface ChainLink {
  prevHash: string;
  hash: string;
}

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (recursively) and no whitespace. Callers pass JSON values
 * (what JSON.parse returns): canonicalJson(JSON.parse(JSON.stringify(x))) is how a value is
 * hashed, so what the store gives back hashes the same as what was appended.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const encoded = JSON.stringify(value);
    if (encoded === undefined) throw new TypeError(`canonicalJson: not a JSON value`);
    return encoded;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/** The canonical JSON of a value as it will read back from the store (a JSON round trip). */
export function canonicalOf(value: unknown): string {
  return canonicalJson(JSON.parse(JSON.stringify(value)) as unknown);
}

export interface ChainedEventFields {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  prevHash: string;
}

/** The hash of one event, from its data and metadata already in canonical JSON. */
export function chainHashOfCanonical(
  fields: ChainedEventFields,
  canonicalData: string,
  canonicalMetadata: string,
): string {
  // The keys in sorted order, so this is canonicalJson of the whole record.
  const encoded =
    `{"data":${canonicalData},"id":${JSON.stringify(fields.id)},` +
    `"metadata":${canonicalMetadata},"prevHash":${JSON.stringify(fields.prevHash)},` +
    `"revision":${JSON.stringify(fields.revision)},"streamId":${JSON.stringify(fields.streamId)},` +
    `"type":${JSON.stringify(fields.type)}}`;
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}

/** The hash of one event (data and metadata as JSON values). */
export function chainHash(
  fields: ChainedEventFields & { data: unknown; metadata: unknown },
): string {
  return chainHashOfCanonical(fields, canonicalOf(fields.data), canonicalOf(fields.metadata));
}
