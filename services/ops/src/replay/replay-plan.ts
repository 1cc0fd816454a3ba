import { fetchOffsetsForTime, fetchWatermarks, type PartitionRange } from '@conduit/bus';
import type { KafkaClient } from '../kafka-client.ts';

export interface ReplayPlan {
  readonly sourceTopic: string;
  readonly targetTopic: string;
  /** Per partition: start from the time index at `from`, end at the high watermark when the job started. */
  readonly partitions: readonly PartitionRange[];
  /** Source event ids selected by errorCodes, fixed at plan time. */
  readonly failedEventIds?: readonly string[];
}

/**
 * Fixes a replay's offsets once: starts from the broker's time index (ListOffsets by timestamp) and
 * ends at the high watermarks of that moment, so records written later — the replay's own output
 * included when it writes to the topic it reads — are never read. Where the time index says the
 * window ends earlier than the high watermark, the end moves down to it (a window in the past does
 * not scan to the present); the per-record timestamp check then makes the edges exact for a
 * producer clock that only moves forward.
 */
export async function planReplayOffsets(kafka: KafkaClient, topic: string, fromMs: number, toMs: number): Promise<PartitionRange[]> {
  const [starts, ends, marks] = await Promise.all([fetchOffsetsForTime(kafka, topic, fromMs), fetchOffsetsForTime(kafka, topic, toMs), fetchWatermarks(kafka, topic)]);
  return marks.map((m) => {
    const start = starts.find((s) => s.partition === m.partition)?.offset ?? m.high;
    const timeEnd = ends.find((e) => e.partition === m.partition)?.offset ?? m.high;
    const end = BigInt(timeEnd) < BigInt(m.high) ? timeEnd : m.high;
    return { partition: m.partition, start: BigInt(start) < BigInt(end) ? start : end, end };
  });
}

/** Share of the planned offsets already read, 0…1. */
export function replayProgress(plan: ReplayPlan | undefined, checkpoint: Readonly<Record<string, string>>): number {
  if (!plan) return 0;
  let total = 0n;
  let done = 0n;
  for (const p of plan.partitions) {
    const size = BigInt(p.end) - BigInt(p.start);
    total += size;
    const at = checkpoint[String(p.partition)];
    if (at !== undefined) done += BigInt(at) - BigInt(p.start) > size ? size : BigInt(at) - BigInt(p.start);
  }
  return total === 0n ? 1 : Number((done * 10000n) / total) / 10000;
}

/** Records in the planned offset ranges. */
export function plannedRecords(plan: ReplayPlan | undefined): number {
  return plan ? plan.partitions.reduce((n, p) => n + Number(BigInt(p.end) - BigInt(p.start)), 0) : 0;
}
