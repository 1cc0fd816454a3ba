import type { Kafka } from 'kafkajs';

export interface PartitionWatermarks {
  readonly partition: number;
  /** First offset still in the log (the log start offset). */
  readonly low: string;
  /** The next offset to be written: everything below it is readable. */
  readonly high: string;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

async function withAdmin<T>(kafka: Kafka, use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

export function fetchWatermarks(kafka: Kafka, topic: string): Promise<PartitionWatermarks[]> {
  return withAdmin(kafka, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: p.low, high: p.high })).sort((a, b) => a.partition - b.partition),
  );
}

/**
 * The first offset per partition whose record timestamp is at or after `timestampMs`, from the
 * broker's time index (ListOffsets by timestamp, KIP-33). Where no record is that recent kafkajs
 * answers the high watermark, so a window in the future reads nothing.
 */
export function fetchOffsetsForTime(kafka: Kafka, topic: string, timestampMs: number): Promise<PartitionOffset[]> {
  return withAdmin(kafka, async (admin) =>
    (await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition),
  );
}
