import { createHash } from 'node:crypto';
import type { DlqRecord } from '@conduit/events';
import type { DlqIndexEntry } from '@conduit/queue';

export interface DlqPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * One id per stage, source event and subscriber: the same message failing again (after a retry)
 * updates its entry instead of adding another. A hash, so the id says nothing about the message.
 */
export function dlqEntryId(record: DlqRecord, at: DlqPosition): string {
  const basis = record.sourceEventId
    ? `${record.stage}\u0000${record.sourceEventId}\u0000${record.subscriber ?? ''}`
    : `${at.topic}\u0000${at.partition}\u0000${at.offset}`;
  return `dlq_${createHash('sha256').update(basis).digest('hex').slice(0, 24)}`;
}

/** True when `at` is this entry's DLQ record or an older one (a redelivery after an indexer restart). */
export function alreadyIndexed(existing: DlqIndexEntry | null, at: DlqPosition): boolean {
  return !!existing && existing.dlq.topic === at.topic && existing.dlq.partition === at.partition && BigInt(at.offset) <= BigInt(existing.dlq.offset);
}

export interface IndexContext {
  readonly at: DlqPosition;
  readonly recordKey: string | null;
  readonly correlationId?: string;
  readonly traceparent?: string;
  readonly keyId?: string;
  readonly ttlMs: number;
}

/**
 * The index entry after one more DLQ record: attempts add up, the failure window widens, the newest
 * record's error and payload win, and the entry expires one TTL after its last failure.
 */
export function mergeDlqEntry(existing: DlqIndexEntry | null, record: DlqRecord, c: IndexContext): DlqIndexEntry {
  const first = existing && existing.firstFailureAt < record.firstFailureAt ? existing.firstFailureAt : record.firstFailureAt;
  const last = existing && existing.lastFailureAt > record.lastFailureAt ? existing.lastFailureAt : record.lastFailureAt;
  return {
    id: dlqEntryId(record, c.at),
    stage: record.stage,
    errorCode: record.errorCode,
    ...(record.errorDetail ? { errorDetail: record.errorDetail } : {}),
    attempts: (existing?.attempts ?? 0) + record.attempts,
    firstFailureAt: first,
    lastFailureAt: last,
    ...(record.sourceEventId ? { sourceEventId: record.sourceEventId } : {}),
    ...(record.subscriber ? { subscriber: record.subscriber } : {}),
    ...(record.lastResponseStatus !== undefined ? { lastResponseStatus: record.lastResponseStatus } : {}),
    source: record.source,
    dlq: c.at,
    recordKey: c.recordKey,
    ...(c.correlationId ? { correlationId: c.correlationId } : {}),
    ...(c.traceparent ? { traceparent: c.traceparent } : {}),
    ...(c.keyId ? { keyId: c.keyId } : {}),
    expiresAt: new Date(Date.parse(last) + c.ttlMs).toISOString(),
    status: 'failed',
    retries: existing?.retries ?? 0,
    ...(existing?.retriedAt ? { retriedAt: existing.retriedAt } : {}),
  };
}
