import type { Kafka, Consumer } from 'kafkajs';
import { isConduitError } from '@conduit/errors';
import type { ConduitLogger } from '@conduit/log';
import { toInboundRecord, type InboundRecord } from './inbound-record.ts';
import type { BusRecord, Publisher } from './publisher.ts';

/** What a stage makes of one input record: records to publish (possibly none). */
export type StageHandler = (record: InboundRecord) => Promise<readonly BusRecord[]> | readonly BusRecord[];

/**
 * Turns a non-retriable failure into the DLQ record(s) that replace the stage's output. It may be
 * async: sealing a payload stores its data key first (libs/events deadLetterFor with a sealer).
 */
export type DeadLetterFactory = (record: InboundRecord, error: unknown) => readonly BusRecord[] | Promise<readonly BusRecord[]>;

export interface StageOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly publisher: Publisher;
  readonly logger: ConduitLogger;
  readonly handle: StageHandler;
  readonly deadLetter: DeadLetterFactory;
  readonly fromBeginning?: boolean;
  readonly partitionsConsumedConcurrently?: number;
}

export interface RunningStage {
  readonly consumer: Consumer;
  stop(): Promise<void>;
}

/**
 * Consumes, transforms, publishes, and only then commits (at-least-once end to end). A handler
 * error the catalog marks non-retriable becomes a DLQ record so it never blocks its partition;
 * a retriable one (or a failed publish) fails the batch, which kafkajs restarts from the last
 * committed offset.
 */
export async function runStage(options: StageOptions): Promise<RunningStage> {
  const log = options.logger.child({ component: 'stage', groupId: options.groupId });
  const consumer = options.kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false, retry: { retries: 10 } });
  await consumer.connect();
  for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const outputs: BusRecord[] = [];
      let last: string | undefined;
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const inbound = toInboundRecord(batch.topic, batch.partition, message);
        try {
          outputs.push(...(await options.handle(inbound)));
        } catch (err) {
          if (isConduitError(err) && !err.retriable) {
            log.warn({ code: err.code, eventId: inbound.headers.eventId, partition: batch.partition, offset: message.offset }, 'record dead-lettered');
            outputs.push(...(await options.deadLetter(inbound, err)));
          } else {
            throw err;
          }
        }
        last = message.offset;
      }
      if (last === undefined) return;
      await options.publisher.publish(outputs);
      resolveOffset(last);
      // With autoCommit off, commitOffsetsIfNecessary() commits nothing: commit explicitly. The
      // committed offset is the next one to read (Kafka OffsetCommit semantics).
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    },
  });
  return {
    consumer,
    async stop() {
      await consumer.disconnect();
    },
  };
}
