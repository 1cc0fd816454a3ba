import type { Kafka } from 'kafkajs';

export interface GroupLag {
  readonly groupId: string;
  /** Kafka's group state: Stable (members consuming), Empty (none), PreparingRebalance, Dead… */
  readonly state: string;
  readonly members: number;
  /** Records written but not yet committed by the group, over all its topics. */
  readonly lag: number;
  readonly topics: readonly { readonly topic: string; readonly lag: number }[];
}

/**
 * Liveness and lag of consumer groups from the broker's view: a group with members is consuming;
 * its lag is high watermark minus committed offset per partition (a partition it never committed
 * counts from the log start).
 */
export async function describeGroupLag(kafka: Kafka, groupIds: readonly string[]): Promise<GroupLag[]> {
  if (groupIds.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeGroups([...groupIds]);
    const watermarks = new Map<string, Map<number, { low: bigint; high: bigint }>>();
    const out: GroupLag[] = [];
    for (const groupId of groupIds) {
      const group = described.groups.find((g) => g.groupId === groupId);
      const committed = await admin.fetchOffsets({ groupId });
      const topics: { topic: string; lag: number }[] = [];
      for (const t of committed) {
        let marks = watermarks.get(t.topic);
        if (!marks) {
          marks = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
          watermarks.set(t.topic, marks);
        }
        let lag = 0n;
        for (const p of t.partitions) {
          const m = marks.get(p.partition);
          if (!m) continue;
          const from = BigInt(p.offset) < 0n ? m.low : BigInt(p.offset);
          if (m.high > from) lag += m.high - from;
        }
        topics.push({ topic: t.topic, lag: Number(lag) });
      }
      out.push({
        groupId,
        state: group?.state ?? 'Unknown',
        members: group?.members.length ?? 0,
        lag: topics.reduce((n, t) => n + t.lag, 0),
        topics,
      });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
