import { Inject, Injectable } from '@nestjs/common';
import {
  AuditProjection,
  decodeAuditCursor,
  encodeAuditCursor,
  type AuditCursor,
  type AuditEntry,
  type AuditFilter,
  type AuditStore,
} from '@ledger/read-models/audit';
import { validationFailed } from '../http/problem';
import { AUDIT_STORE, auditPages } from '@ledger/runtime';
import { AUDIT_PAGE_DEFAULT, type AuditTrailQuery } from './audit-trail.dto';

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** Reads the audit trail, brought up to the end of the event feed first. */
@Injectable()
export class AuditTrailQueries {
  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    private readonly projection: AuditProjection,
  ) {}

  async page(workspaceId: string, query: AuditTrailQuery): Promise<AuditPage> {
    const after = cursorOf(query);
    const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
    await this.projection.catchUp();
    const found = await this.store.list(workspaceId, filterOf(query), { after, limit: limit + 1 });
    const items = found.slice(0, limit);
    const nextCursor = found.length > limit ? encodeAuditCursor(items[items.length - 1]) : null;
    return { items, nextCursor };
  }

  /** Every entry matching the query from its cursor on, one page at a time (for exports). */
  pages(workspaceId: string, query: AuditTrailQuery): AsyncGenerator<AuditEntry[]> {
    return auditPages(this.store, this.projection, workspaceId, filterOf(query), cursorOf(query));
  }

  /** Validates the cursor before a response starts (an export cannot turn into a 400 later). */
  check(query: AuditTrailQuery): void {
    cursorOf(query);
  }
}

function cursorOf(query: AuditTrailQuery): AuditCursor | null {
  if (query.cursor === undefined) return null;
  const cursor = decodeAuditCursor(query.cursor);
  if (!cursor) {
    throw validationFailed('The request has invalid fields', [
      { field: 'cursor', messages: ['cursor must be a nextCursor this API returned'] },
    ]);
  }
  return cursor;
}

function filterOf(query: AuditTrailQuery): AuditFilter {
  const { actor, connectionId, platform, type, from, to } = query;
  return Object.fromEntries(
    Object.entries({ actor, connectionId, platform, type, from, to }).filter(
      ([, value]) => value !== undefined,
    ),
  ) as AuditFilter;
}
