import { isDuplicateKey } from '@ledger/stores';

/**
 * Runs a guarded upsert or insert. When the row exists but already saw this revision, the
 * guard does not match and the insert collides on `_id`: that is the replay, not an error.
 * Returns false in that case.
 */
export async function upsertUnlessSeen(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
