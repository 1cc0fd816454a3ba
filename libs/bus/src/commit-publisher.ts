import { Partitioners, CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { ConduitError } from '@conduit/errors';
import { encodeHeaders } from './headers.ts';
import type { BusRecord } from './publisher.ts';

/** One write's two answers: what to tell the sender now, and what really happened. */
export interface PendingWrite {
  /**
   * Resolves when Kafka acknowledged every record (acks=-1). Rejects with CDT_KAFKA_WRITE_FAILED
   * when the write failed or its deadline passed first; the write may still complete after that.
   */
  readonly acknowledged: Promise<void>;
  /**
   * The write's real outcome, which can come after the deadline: true once stored, false once
   * known not stored (failed, or still unsent when the deadline passed). Never rejects.
   */
  readonly settled: Promise<boolean>;
}

export interface CommitPublisher {
  write(records: readonly BusRecord[]): PendingWrite;
  /** Waits for queued and in-flight writes to settle, then disconnects. */
  disconnect(): Promise<void>;
}

export interface CommitPublisherOptions {
  /** How long a caller waits for Kafka's acknowledgment before it is told the write failed. */
  readonly deadlineMs?: number;
  /**
   * Value bytes per produce request. The broker's max.message.bytes limits each partition's
   * record batch, so callers' records are not merged past this (one larger write goes alone).
   */
  readonly maxBatchBytes?: number;
}

interface QueuedWrite {
  readonly byTopic: ReadonlyMap<string, Message[]>;
  readonly bytes: number;
  expired: boolean;
  sent: boolean;
  readonly acknowledge: (err?: unknown) => void;
  readonly settle: (stored: boolean) => void;
}

/**
 * An idempotent producer (acks=-1, one request in flight) for writes whose callers must answer a
 * sender in time but must also learn what finally happened. Writes of concurrent callers are
 * merged into one produce request (batching across connections); the next request starts only
 * when the previous one settled, never after a mere timeout, so a request kafkajs is still
 * retrying never runs beside the next one (concurrent sends broke idempotent sequence numbers,
 * stack notes) and a write that completes late is still reported, through `settled`.
 */
export async function createCommitPublisher(kafka: Kafka, options: CommitPublisherOptions = {}): Promise<CommitPublisher> {
  const deadlineMs = options.deadlineMs ?? 5000;
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  let queue: QueuedWrite[] = [];
  let inFlight: Promise<void> | null = null;
  let closed = false;

  function takeBatch(): QueuedWrite[] {
    const batch: QueuedWrite[] = [];
    let bytes = 0;
    let i = 0;
    for (; i < queue.length; i++) {
      const w = queue[i]!;
      // Its caller was already told "not stored": sending it now would only surprise them.
      if (w.expired) {
        w.settle(false);
        continue;
      }
      if (batch.length > 0 && bytes + w.bytes > maxBatchBytes) break;
      batch.push(w);
      bytes += w.bytes;
    }
    queue = queue.slice(i);
    return batch;
  }

  function pump(): void {
    if (inFlight) return;
    const batch = takeBatch();
    if (batch.length === 0) return;
    const topicMessages = new Map<string, Message[]>();
    for (const w of batch) {
      w.sent = true;
      for (const [topic, messages] of w.byTopic) {
        const list = topicMessages.get(topic);
        if (list) list.push(...messages);
        else topicMessages.set(topic, [...messages]);
      }
    }
    inFlight = producer
      .sendBatch({ acks: -1, timeout: deadlineMs, compression: CompressionTypes.None, topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })) })
      .then(
        () => {
          for (const w of batch) {
            w.acknowledge();
            w.settle(true);
          }
        },
        (err: unknown) => {
          for (const w of batch) {
            w.acknowledge(err);
            w.settle(false);
          }
        },
      )
      .finally(() => {
        inFlight = null;
        pump();
      });
  }

  return {
    write(records) {
      const byTopic = new Map<string, Message[]>();
      let bytes = 0;
      for (const r of records) {
        const value = Buffer.isBuffer(r.value) ? r.value : JSON.stringify(r.value);
        bytes += Buffer.isBuffer(value) ? value.length : Buffer.byteLength(value);
        const list = byTopic.get(r.topic) ?? [];
        list.push({ key: r.key, value, headers: encodeHeaders(r.headers), ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}) });
        byTopic.set(r.topic, list);
      }
      let resolveAck!: () => void;
      let rejectAck!: (err: unknown) => void;
      let resolveSettled!: (stored: boolean) => void;
      const acknowledged = new Promise<void>((res, rej) => {
        resolveAck = res;
        rejectAck = rej;
      });
      // A caller that stops listening (its connection closed) must not crash the process.
      acknowledged.catch(() => undefined);
      const settled = new Promise<boolean>((res) => (resolveSettled = res));
      if (closed || records.length === 0) {
        if (records.length === 0) {
          resolveAck();
          resolveSettled(true);
        } else {
          rejectAck(new ConduitError('CDT_KAFKA_WRITE_FAILED', 'publisher is shutting down'));
          resolveSettled(false);
        }
        return { acknowledged, settled };
      }
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        w.expired = !w.sent;
        rejectAck(new ConduitError('CDT_KAFKA_WRITE_FAILED', `no acknowledgment within ${deadlineMs} ms`));
      }, deadlineMs);
      const w: QueuedWrite = {
        byTopic,
        bytes,
        expired: false,
        sent: false,
        acknowledge: (err) => {
          clearTimeout(timer);
          if (answered) return;
          answered = true;
          if (err === undefined) resolveAck();
          else rejectAck(err instanceof ConduitError ? err : new ConduitError('CDT_KAFKA_WRITE_FAILED', (err as Error).name, { cause: err }));
        },
        settle: (stored) => {
          clearTimeout(timer);
          resolveSettled(stored);
        },
      };
      queue.push(w);
      pump();
      return { acknowledged, settled };
    },
    async disconnect() {
      closed = true;
      while (inFlight || queue.length > 0) {
        if (inFlight) await inFlight;
        else pump();
      }
      await producer.disconnect();
    },
  };
}
