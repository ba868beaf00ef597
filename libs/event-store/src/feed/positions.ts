/**
 * Compares two global-feed positions without knowing which event store produced them:
 * the SQLite store writes a decimal integer, EventStoreDB writes "commit/prepare".
 * Returns a negative number, zero or a positive number, like a sort comparator.
 */
export function comparePositions(a: string, b: string): number {
  // The common case, two SQLite positions, without parsing: longer is larger, else by digits.
  if (CANONICAL_DECIMAL.test(a) && CANONICAL_DECIMAL.test(b)) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  const left = parsePosition(a);
  const right = parsePosition(b);
  if (left.length !== right.length) {
    throw new Error(`Cannot compare positions of different formats: "${a}" and "${b}"`);
  }
  for (let i = 0; i < left.length; i++) {
    if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1;
  }
  return 0;
}

/** True when `position` is at or after `target`; a null position (nothing applied) is before all. */
export function isAtOrAfter(position: string | null, target: string): boolean {
  return position !== null && comparePositions(position, target) >= 0;
}

const DECIMAL = /^\d+$/;
const CANONICAL_DECIMAL = /^(0|[1-9]\d*)$/;
const COMMIT_PREPARE = /^(\d+)\/(\d+)$/;

// BigInt: ESDB commit/prepare positions are 64-bit and exceed Number.MAX_SAFE_INTEGER.
function parsePosition(position: string): bigint[] {
  if (DECIMAL.test(position)) return [BigInt(position)];
  const match = COMMIT_PREPARE.exec(position);
  if (match) return [BigInt(match[1]), BigInt(match[2])];
  throw new Error(`Unrecognised event store position: "${position}"`);
}
