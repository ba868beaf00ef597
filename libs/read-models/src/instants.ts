/**
 * Instants arrive as ISO 8601 text in several spellings (with or without milliseconds, `Z` or
 * an offset), so text comparison is not time order: stores filter and sort on epoch ms.
 */
export function toEpochMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO 8601 instant: "${instant}"`);
  return ms;
}
