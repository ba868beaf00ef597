/** MongoDB's (and FerretDB's) code for a unique index refusing a write. */
const DUPLICATE_KEY = 11000;

/** The write was refused because its key is already taken (a unique index said no). */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/** A bulk or single insert that failed only on keys already present (a replay, not a fault). */
export function onlyDuplicateKeys(error: unknown): boolean {
  type WriteError = { code?: unknown; err?: { code?: unknown } };
  const e = error as { code?: unknown; writeErrors?: WriteError[] | WriteError } | null;
  if (!e) return false;
  if (e.writeErrors !== undefined) {
    const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
    return list.length > 0 && list.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY);
  }
  return e.code === DUPLICATE_KEY;
}
