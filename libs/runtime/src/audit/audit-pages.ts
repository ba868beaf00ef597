import type {
  AuditCursor,
  AuditEntry,
  AuditFilter,
  AuditProjection,
  AuditStore,
} from '@ledger/read-models/audit';

const EXPORT_PAGE = 500;

/** Every entry matching the filter after the cursor, one page at a time (flat memory, for exports). */
export async function* auditPages(
  store: AuditStore,
  projection: AuditProjection,
  workspaceId: string,
  filter: AuditFilter,
  from: AuditCursor | null,
): AsyncGenerator<AuditEntry[]> {
  let after = from;
  await projection.catchUp();
  for (;;) {
    const page = await store.list(workspaceId, filter, { after, limit: EXPORT_PAGE });
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) return;
    after = page[page.length - 1];
  }
}
