import fc from 'fast-check';
import { canonicalJson, canonicalOf, chainHash } from './chain';

/**
 * The definition canonicalOf must keep (its first implementation): a JSON round trip, then
 * keys sorted recursively, written out by hand (Object.fromEntries would put integer-like keys
 * first whatever the sort).
 */
function reference(value: unknown): string {
  const sorted = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(sorted).join(',')}]`;
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sorted(record[k])}`).join(',')}}`;
  };
  return sorted(JSON.parse(JSON.stringify(value)) as unknown);
}

// Values an event's data or metadata may hold before it is stored.
const eventValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonical JSON of event data (what the hash chain hashes)', () => {
  it('equals the sorted JSON round trip for any value an event may carry', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), eventValue), (data) => {
        expect(canonicalOf(data)).toBe(reference(data));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes an event the same before it is stored and after it is read back', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), eventValue), (data) => {
        const fields = { streamId: 's', revision: 0, id: 'e', type: 'T', prevHash: '0' };
        const readBack = JSON.parse(JSON.stringify(data)) as unknown;
        expect(chainHash({ ...fields, data, metadata: {} })).toBe(
          chainHash({ ...fields, data: readBack, metadata: {} }),
        );
      }),
    );
  });

  it('sorts keys at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: undefined } })).toBe(
      '{"a":{"d":[1,null]},"b":1}',
    );
    expect(canonicalOf({ at: new Date('2025-01-02T03:04:05.000Z') })).toBe(
      '{"at":"2025-01-02T03:04:05.000Z"}',
    );
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(TypeError);
  });
});
