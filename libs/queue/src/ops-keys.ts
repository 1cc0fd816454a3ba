/**
 * Redis keys of the ops service and of the DLQ data keys every stage writes. Hash tags keep each
 * family in one Redis Cluster slot so its transactions stay single-slot. Keys hold generated ids
 * (DLQ entry ids are hashes of stage and event id, data-key ids are random), never a value from a
 * message.
 */
export interface OpsKeys {
  /** STRING, PX = the stage's DLQ TTL: one failed payload's AES-256 data key. */
  dataKey(keyId: string): string;
  /** HASH, expires at the entry's TTL: DLQ index entry (metadata JSON + sealed payload copy). */
  dlqEntry(id: string): string;
  /** ZSET id → last failure time (ms): listing order. */
  readonly dlqByTime: string;
  /** ZSET id → expiry time (ms): what the TTL purge job takes. */
  readonly dlqByExpiry: string;
  /** HASH: one replay job's spec, plan, checkpoint and counters. */
  replay(id: string): string;
  /** ZSET replay id → creation time (ms). */
  readonly replays: string;
  /** LIST of recent purge summaries (counts and audit ids, newest first). */
  readonly purgeRuns: string;
  /** BullMQ's own key prefix for the ops queues. */
  readonly bullPrefix: string;
}

export function opsKeys(prefix: string): OpsKeys {
  const dlq = `${prefix}:{dlq}`;
  const replay = `${prefix}:{replay}`;
  return {
    dataKey: (keyId) => `${dlq}:key:${keyId}`,
    dlqEntry: (id) => `${dlq}:entry:${id}`,
    dlqByTime: `${dlq}:by-time`,
    dlqByExpiry: `${dlq}:by-expiry`,
    replay: (id) => `${replay}:r:${id}`,
    replays: `${replay}:all`,
    purgeRuns: `${prefix}:purge-runs`,
    bullPrefix: `${prefix}:bull`,
  };
}
