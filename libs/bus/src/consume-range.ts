import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { toInboundRecord, type InboundRecord } from './inbound-record.ts';

/** Offsets [start, end) of one partition. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: string;
  readonly end: string;
}

/** A record read from a range: the same shape the stage runner hands its handlers, minus the topic. */
export type RangeRecord = Omit<InboundRecord, 'topic'>;

export interface RangeBatch {
  readonly partition: number;
  readonly records: readonly RangeRecord[];
  /** Keeps the consumer's group membership alive during a long handler (rate-limited replays). */
  heartbeat(): Promise<void>;
}

export interface ConsumeRangeOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly ranges: readonly PartitionRange[];
  /** Called per fetched batch, in offset order within a partition; a throw ends the read with that error. */
  onBatch(batch: RangeBatch): Promise<void>;
  /** Aborting ends the read early (after the batch in hand); the result says where each partition stopped. */
  readonly signal?: AbortSignal;
  readonly groupPrefix?: string;
  readonly partitionsConsumedConcurrently?: number;
  readonly maxBytesPerPartition?: number;
}

export interface RangeResult {
  /** True when every range was read to its end. */
  readonly completed: boolean;
  /** The next offset to read per partition (the end of a finished range). */
  readonly next: ReadonlyMap<number, string>;
}

/** Restarts after kafkajs's own retriable crashes before a read gives up. */
const MAX_RESTARTS = 3;

/**
 * Reads fixed offset ranges of a topic once, with a throwaway consumer group that seeks to each
 * range's start as it joins (kafkajs skips batches fetched before a pending seek). Not
 * admin.setOffsets: it spins up a consumer of its own and waits out a full fetch long-poll (5 s).
 * For replays, audit verification and operator reads, never for pipelines: nothing is committed
 * for the caller, who keeps its own checkpoint from `onBatch` and the result.
 */
export async function consumeRange(o: ConsumeRangeOptions): Promise<RangeResult> {
  const next = new Map(o.ranges.map((r) => [r.partition, r.start]));
  const active = new Map(o.ranges.filter((r) => BigInt(r.start) < BigInt(r.end)).map((r) => [r.partition, r]));
  if (active.size === 0 || o.signal?.aborted) return { completed: active.size === 0, next };
  const groupId = `${o.groupPrefix ?? 'conduit-range'}-${randomUUID()}`;
  const admin = o.kafka.admin();
  await admin.connect();
  try {
    const consumer = o.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      retry: { retries: 0 },
      // disconnect() waits for the fetch in flight: a short long-poll keeps the end of a read prompt.
      maxWaitTimeInMs: 200,
      ...(o.maxBytesPerPartition ? { maxBytesPerPartition: o.maxBytesPerPartition } : {}),
    });
    let settle: (outcome: { completed: boolean; error?: unknown }) => void = () => undefined;
    const settled = new Promise<{ completed: boolean; error?: unknown }>((r) => (settle = r));
    const onAbort = () => settle({ completed: false });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // A throw from onBatch crashes the consumer (retries are off): the read ends with that error
    // instead of kafkajs re-running the batch from a start offset the caller has moved past. A
    // crash of kafkajs's own that it restarts from (a group join that met a coordinator moving or
    // loading) is let run a few times: the rejoin seeks to the read's progress.
    let batchError: { error: unknown } | undefined;
    let restarts = 0;
    consumer.on(consumer.events.CRASH, (e) => {
      if (batchError || !e.payload.restart || ++restarts > MAX_RESTARTS) settle({ completed: false, error: batchError ? batchError.error : e.payload.error });
    });
    // Seek as the group is joined, before the first fetch (and, should the group join again, to the
    // read's progress). Not after consumer.run() returns: when the join failed, kafkajs has by then
    // dropped the group and seek throws.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const r of active.values()) consumer.seek({ topic: o.topic, partition: r.partition, offset: next.get(r.partition) ?? r.start });
    });
    // This consumer has no retries: the admin, which has, finds the group coordinator first (and
    // waits out COORDINATOR_NOT_AVAILABLE while a new broker creates __consumer_offsets), so that
    // the join is less likely to meet a coordinator that is not there yet.
    await admin.describeGroups([groupId]);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: o.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          const range = active.get(batch.partition);
          if (!range || o.signal?.aborted) {
            consumer.pause([{ topic: o.topic, partitions: [batch.partition] }]);
            return;
          }
          const end = BigInt(range.end);
          const records: RangeRecord[] = [];
          const from = BigInt(next.get(batch.partition) ?? range.start);
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset >= end) break;
            if (offset >= from) records.push(toInboundRecord(batch.topic, batch.partition, m));
          }
          if (records.length > 0) {
            try {
              await o.onBatch({ partition: batch.partition, records, heartbeat });
            } catch (error) {
              batchError = { error };
              throw error;
            }
            next.set(batch.partition, (BigInt(records[records.length - 1]!.offset) + 1n).toString());
          }
          // lastOffset() is the batch's last offset, or the high watermark - 1 for an empty fetch.
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            next.set(batch.partition, range.end);
            active.delete(batch.partition);
            consumer.pause([{ topic: o.topic, partitions: [batch.partition] }]);
            if (active.size === 0) settle({ completed: true });
          }
        },
      });
      const outcome = await settled;
      if (outcome.error) throw outcome.error;
      return { completed: outcome.completed, next };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}
