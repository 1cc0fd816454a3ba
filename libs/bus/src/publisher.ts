import { Partitioners, type Kafka, type Producer, CompressionTypes } from 'kafkajs';
import { ConduitError } from '@conduit/errors';
import { encodeHeaders, type EnvelopeHeaders } from './headers.ts';

export interface BusRecord {
  readonly topic: string;
  /** Never an identifier: a keyed hash of the patient, or the source's name. */
  readonly key: string | null;
  /** Serialized as JSON; a Buffer is written as is (records re-published byte for byte: retries, replays). */
  readonly value: unknown;
  readonly headers: EnvelopeHeaders;
  /** Milliseconds since epoch; the broker's time index (replay by time) reads it. */
  readonly timestamp?: number;
}

export interface Publisher {
  /** Resolves only when every record is acknowledged by all in-sync replicas (acks=-1). */
  publish(records: readonly BusRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface PublisherOptions {
  /** Per-call ceiling: a write that has not been acknowledged by then is reported failed. */
  readonly timeoutMs?: number;
}

/**
 * An idempotent producer (acks=-1, one request in flight). Concurrent send() calls once broke
 * kafkajs's sequence numbers (stack notes), so all writes go through one batching queue.
 */
export async function createPublisher(kafka: Kafka, options: PublisherOptions = {}): Promise<Publisher> {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const timeoutMs = options.timeoutMs ?? 10000;
  let pending: { records: readonly BusRecord[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let inFlight: Promise<void> | null = null;

  async function send(records: readonly BusRecord[]): Promise<void> {
    const byTopic = new Map<string, { key: string | null; value: string | Buffer; headers: ReturnType<typeof encodeHeaders>; timestamp?: string }[]>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({
        key: r.key,
        value: Buffer.isBuffer(r.value) ? r.value : JSON.stringify(r.value),
        headers: encodeHeaders(r.headers),
        ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
      });
      byTopic.set(r.topic, list);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConduitError('CDT_KAFKA_WRITE_FAILED', `no acknowledgment within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        producer.sendBatch({
          acks: -1,
          timeout: timeoutMs,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        }),
        timeout,
      ]);
    } catch (err) {
      if (err instanceof ConduitError) throw err;
      throw new ConduitError('CDT_KAFKA_WRITE_FAILED', (err as Error).name, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  // Callers that arrive while a batch is in flight are sent together in the next one: one
  // request in flight keeps idempotent sequence numbers intact, and batching keeps throughput.
  function drain(): void {
    if (inFlight || pending.length === 0) return;
    const batch = pending;
    pending = [];
    inFlight = send(batch.flatMap((p) => p.records)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    ).finally(() => {
      inFlight = null;
      drain();
    });
  }

  return {
    publish(records) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ records, resolve, reject });
        drain();
      });
    },
    async disconnect() {
      while (inFlight) await inFlight;
      await producer.disconnect();
    },
  };
}
