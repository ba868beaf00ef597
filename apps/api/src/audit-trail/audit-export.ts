import type { ServerResponse } from 'node:http';
import type { HttpReply } from '../http/http-exchange';
import type { AuditEntry } from '@ledger/read-models/audit';

export const CSV_COLUMNS = [
  'at',
  'kind',
  'type',
  'actorUserId',
  'actorRole',
  'actorIp',
  'actorUserAgent',
  'actorReason',
  'correlationId',
  'connectionId',
  'platform',
  'id',
  'details',
] as const;

/** One CSV record (RFC 4180), with formula-looking cells defused for spreadsheets. */
export function csvRow(entry: AuditEntry): string {
  const values: Array<string | null> = [
    entry.at,
    entry.kind,
    entry.type,
    entry.actor.userId,
    entry.actor.role,
    entry.actor.ip,
    entry.actor.userAgent,
    entry.actor.reason ?? null,
    entry.correlationId,
    entry.connectionId,
    entry.platform,
    entry.id,
    JSON.stringify(entry.details),
  ];
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  // CSV injection: a cell starting with = + - @ (or a tab/CR) is read as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function jsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Takes the response over from the framework and sends its status and headers at once (those
 * set on `reply` so far, the edge's included); then writes pages to it as they are read, waiting for the socket to drain whenever its
 * buffer is full, so memory stays flat whatever the size of the export. Stops early when the
 * client goes away.
 */
export async function streamPages(
  reply: HttpReply,
  pages: AsyncIterable<AuditEntry[]>,
  header: string,
  row: (entry: AuditEntry) => string,
): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  response.writeHead(reply.statusCode, headers);
  response.flushHeaders();
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  if (header) response.write(header);
  for await (const page of pages) {
    if (closed) break;
    // One write per page: a chunk of the response per page read.
    const ok = response.write(page.map(row).join(''));
    if (!ok && !closed) await drained(response);
  }
  if (!closed) response.end();
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
