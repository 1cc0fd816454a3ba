import type { Kafka } from 'kafkajs';
import { createCommitPublisher } from './commit-publisher.ts';
import type { EnvelopeHeaders } from './headers.ts';

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
 * The stages' publisher: the commit publisher's idempotent producer (acks=-1, one request in
 * flight, concurrent callers' records merged into the next request), answering each call with its
 * acknowledgment. A call that times out is failed while kafkajs may still be retrying its request;
 * the next request waits for that one to settle, never running beside it (stack notes: concurrent
 * sends broke idempotent sequence numbers). The stage then retries from its committed offset.
 */
export async function createPublisher(kafka: Kafka, options: PublisherOptions = {}): Promise<Publisher> {
  const writer = await createCommitPublisher(kafka, { deadlineMs: options.timeoutMs ?? 10000 });
  return {
    publish: (records) => writer.write(records).acknowledged,
    disconnect: () => writer.disconnect(),
  };
}
