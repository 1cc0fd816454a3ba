import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { decodeHeaders, type EnvelopeHeaders } from './headers.ts';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Partial<EnvelopeHeaders>;
}

/**
 * Reads a topic from the beginning with a throwaway consumer group until `done` says it has
 * what it wants, or the timeout passes. For demos, tests and operator tools, not pipelines.
 */
export async function readTopicUntil(
  kafka: Kafka,
  topic: string,
  done: (seen: readonly ReadRecord[]) => boolean,
  timeoutMs: number,
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: `conduit-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const seen: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolveRead) => {
      const timer = setTimeout(resolveRead, timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value ?? Buffer.alloc(0), headers: decodeHeaders(message.headers) });
          if (done(seen)) {
            clearTimeout(timer);
            resolveRead();
          }
        },
      });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
