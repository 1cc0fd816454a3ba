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

/**
 * Where each of these topics ends now (its partitions' high watermarks): a reader that starts there
 * sees only what comes after. A topic that does not exist (deleted since it was listed, as tests'
 * scratch topics are) has no end and is left out of the map.
 */
export async function topicEnds(kafka: Kafka, topics: readonly string[]): Promise<Map<string, PartitionOffset[]>> {
  const ends = new Map<string, PartitionOffset[]>();
  for (const topic of topics) {
    try {
      ends.set(topic, (await fetchWatermarks(kafka, topic)).map((w) => ({ partition: w.partition, offset: w.high })));
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
    }
  }
  return ends;
}

/** kafkajs gives up on a missing topic with its protocol error, wrapped once its retries run out. */
function isUnknownTopic(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

/**
 * Commits these offsets for a consumer group that has no members yet, so it starts there rather
 * than where a new group would (the beginning, for Conduit's stages).
 */
export function startGroupAt(kafka: Kafka, groupId: string, positions: ReadonlyMap<string, readonly PartitionOffset[]>): Promise<void> {
  return withAdmin(kafka, async (admin) => {
    for (const [topic, partitions] of positions) await admin.setOffsets({ groupId, topic, partitions: [...partitions] });
  });
}
