import type { ParkedEventSink } from '@ledger/domain';

/** Options of the projections that catch up on demand (audit trail, due posts). */
export interface FeedProjectionOptions {
  batchSize?: number;
  /** The checkpoint's name. */
  projection?: string;
  /** Told of each malformed event skipped (logged by default); the projection goes on. */
  onParked?: ParkedEventSink;
}
