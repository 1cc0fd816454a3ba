import type { KafkaClient } from '../kafka-client.ts';
import { consumeRange, fetchWatermarks } from '@conduit/bus';
import type { ChainedAuditRecord } from '@conduit/audit';

/** The newest record of the chain topic (one partition), or null when the chain is empty. */
export async function readChainTail(kafka: KafkaClient, topic: string): Promise<ChainedAuditRecord | null> {
  const [p] = await fetchWatermarks(kafka, topic);
  if (!p || BigInt(p.high) <= BigInt(p.low)) return null;
  let last: Buffer | undefined;
  await consumeRange({
    kafka,
    topic,
    groupPrefix: 'conduit-ops-audit-tail',
    ranges: [{ partition: p.partition, start: (BigInt(p.high) - 1n).toString(), end: p.high }],
    onBatch: async (batch) => {
      last = batch.records[batch.records.length - 1]?.value;
    },
  });
  return last ? (JSON.parse(last.toString('utf8')) as ChainedAuditRecord) : null;
}
