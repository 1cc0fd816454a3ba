import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { decodeHeaders, type EnvelopeHeaders } from './headers.ts';
import type { PartitionOffset } from './offsets.ts';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Partial<EnvelopeHeaders>;
}

/**
 * Reads a topic with a throwaway consumer group until `done` says it has what it wants, or the
 * timeout passes: from the beginning, or from the offsets `from` gives (topicEnds taken earlier
 * reads only what came after). A topic not created yet (a subscriber topic fanout provisions as it
 * starts) is waited for within the same timeout. For demos, tests and operator tools, not pipelines.
 */
export async function readTopicUntil(
  kafka: Kafka,
  topic: string,
  done: (seen: readonly ReadRecord[]) => boolean,
  timeoutMs: number,
  from?: readonly PartitionOffset[],
): Promise<ReadRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const seen: ReadRecord[] = [];
  if (!(await waitForTopic(kafka, topic, deadline))) return seen;
  const consumer = kafka.consumer({ groupId: `conduit-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolveRead) => {
      const timer = setTimeout(resolveRead, Math.max(0, deadline - Date.now()));
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value ?? Buffer.alloc(0), headers: decodeHeaders(message.headers) });
          if (done(seen)) {
            clearTimeout(timer);
            resolveRead();
          }
        },
      });
      // Seeks wait for the partitions' assignment: no second group join, unlike committing offsets first.
      for (const p of from ?? []) consumer.seek({ topic, partition: p.partition, offset: p.offset });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

async function waitForTopic(kafka: Kafka, topic: string, deadline: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      if ((await admin.listTopics()).includes(topic)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
