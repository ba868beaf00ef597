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
 * (what JSON.parse returns): canonicalOf(x) is how a value is hashed, so what the store gives
 * back hashes the same as what was appended.
 */
export function canonicalJson(value: unknown): string {
  const encoded = canonicalValue(value);
  if (encoded === undefined) throw new TypeError(`canonicalJson: not a JSON value`);
  return encoded;
}

/**
 * The canonical JSON of a value as it will read back from the store: what
 * canonicalJson(JSON.parse(JSON.stringify(value))) gives, in one pass (dates become strings,
 * undefined properties vanish, undefined array items become null). Hashing is most of the
 * cost of appending and verifying, so the round trip is not made.
 */
export function canonicalOf(value: unknown): string {
  return canonicalJson(value);
}

/** JSON.stringify's rules with sorted keys; undefined where JSON.stringify would omit. */
function canonicalValue(input: unknown): string | undefined {
  let value = input;
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as () => unknown).call(value);
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      value = value.valueOf();
    }
  }
  switch (typeof value) {
    case 'string':
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt is not a JSON value');
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          out += (i === 0 ? '' : ',') + (canonicalValue(value[i]) ?? 'null');
        }
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (const key of keys) {
        const encoded = canonicalValue(record[key]);
        if (encoded === undefined) continue;
        out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + encoded;
      }
      return out + '}';
    }
    default:
      return undefined; // undefined, functions and symbols, as JSON.stringify leaves them out
  }
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
