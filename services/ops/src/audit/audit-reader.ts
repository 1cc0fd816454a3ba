import { consumeRange, fetchWatermarks } from '@conduit/bus';
import { createChainVerifier, type ChainReport, type ChainedAuditRecord } from '@conduit/audit';
import type { KafkaClient } from '../kafka-client.ts';

async function readAll(kafka: KafkaClient, topic: string, each: (value: Buffer, offset: string) => void): Promise<void> {
  const marks = await fetchWatermarks(kafka, topic);
  await consumeRange({
    kafka,
    topic,
    groupPrefix: 'conduit-ops-audit-read',
    ranges: marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high })),
    onBatch: async (batch) => {
      for (const r of batch.records) each(r.value, r.offset);
    },
  });
}

/**
 * Walks the whole chain as it stands (up to the high watermark at the start) and reports the first
 * broken link. A chain whose oldest records were deleted reports a sequence break at its start.
 */
export async function verifyAuditChain(kafka: KafkaClient, topic: string): Promise<ChainReport> {
  const verifier = createChainVerifier();
  await readAll(kafka, topic, (value, offset) => verifier.push(value, offset));
  return verifier.report();
}

export interface AuditQuery {
  readonly limit: number;
  readonly action?: string;
  readonly target?: string;
  readonly subject?: string;
  readonly kind?: string;
}

/** The newest `limit` records matching the query, newest first. Reads the whole topic: an operator tool, not a hot path. */
export async function listAuditRecords(kafka: KafkaClient, topic: string, q: AuditQuery): Promise<(ChainedAuditRecord & { offset: string })[]> {
  const kept: (ChainedAuditRecord & { offset: string })[] = [];
  await readAll(kafka, topic, (value, offset) => {
    let record: ChainedAuditRecord;
    try {
      record = JSON.parse(value.toString('utf8')) as ChainedAuditRecord;
    } catch {
      return;
    }
    const e = record.entry;
    if (!e || (q.action && !(e.action === q.action || e.action.startsWith(`${q.action}.`)))) return;
    if (q.target && !e.targets.includes(q.target)) return;
    if (q.subject && e.actor.subject !== q.subject) return;
    if (q.kind && e.kind !== q.kind) return;
    kept.push({ ...record, offset });
    if (kept.length > q.limit) kept.shift();
  });
  return kept.reverse();
}
