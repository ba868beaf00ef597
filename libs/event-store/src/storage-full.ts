/**
 * True when `error`, or an error it wraps (`cause`), says the storage has no room left:
 * SQLite's SQLITE_FULL (disk full, or the file at its max_page_count), the OS's ENOSPC, or
 * MongoDB's OutOfDiskSpace (14031). Such a write changed nothing and may succeed later.
 */
export function isStorageFull(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth += 1) {
    if (typeof current !== 'object') return false;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 14031) return true;
    current = cause;
  }
  return false;
}
