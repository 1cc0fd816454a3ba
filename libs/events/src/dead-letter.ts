import { isConduitError } from '@conduit/errors';
import type { BusRecord, InboundRecord } from '@conduit/bus';
import { MAX_RECORD_BYTES, SchemaIds, Topics, jsonSurelyWithin } from './topics.ts';
import type { DlqRecord, PipelineStage } from './types.ts';
import type { PayloadSealer } from './payload-seal.ts';

export interface DeadLetterOptions {
  readonly now?: () => Date;
  /**
   * Seals each failed payload under its own data key, which lives as long as the stage's DLQ TTL:
   * once the key is gone no copy of the payload (Kafka, Redis) can be read (crypto-shredding).
   */
  readonly sealer?: PayloadSealer;
  /** The DLQ topic; tests and isolated environments use their own. */
  readonly topic?: string;
  /**
   * Told the catalog code of each DLQ record once it is built: after its payload is sealed, so a
   * seal that fails (its batch is read again) is not counted. A built record whose publish then
   * fails is heard again when its batch is read again.
   */
  readonly onDeadLettered?: (errorCode: string) => void;
}

/** What a DLQ record holds besides its payload (codes, times, source) is well under this. */
const RECORD_FACTS_BYTES = 16 * 1024;
const MAX_PAYLOAD_BYTES = MAX_RECORD_BYTES - RECORD_FACTS_BYTES;

/**
 * Whether a payload of this many bytes, sealed (base64url of ciphertext and tag, with the prefix,
 * key id and iv: a third larger), still fits a DLQ record. Every DLQ record builder asks before
 * sealing: a record over the topic's limit cannot be published, and its stage would retry it
 * for ever.
 */
export function sealedPayloadFitsDlq(plainBytes: number): boolean {
  return Math.ceil(((plainBytes + 16) * 4) / 3) + 128 <= MAX_PAYLOAD_BYTES;
}

type SyncFactory = (input: InboundRecord, error: unknown) => BusRecord[];
type AsyncFactory = (input: InboundRecord, error: unknown) => Promise<BusRecord[]>;

/**
 * The DLQ record for an input a stage cannot process. It keeps the input's key (a patient hash,
 * never an identifier) and its event id; the error detail is the catalogued detail, free of values.
 * With a sealer the factory is async (the data key is stored before the record exists) and the
 * payload is the sealed form, its key id also in the conduit-key-id header. A payload that would
 * take the record past the DLQ topic's limit is left out (`payloadOmitted`): publishing it would
 * fail and stop the stage's partition, and the source coordinates still name where it is.
 */
export function deadLetterFor(stage: PipelineStage, now?: () => Date): SyncFactory;
export function deadLetterFor(stage: PipelineStage, options: DeadLetterOptions & { readonly sealer: PayloadSealer }): AsyncFactory;
export function deadLetterFor(stage: PipelineStage, options: DeadLetterOptions): SyncFactory | AsyncFactory;
export function deadLetterFor(stage: PipelineStage, nowOrOptions?: (() => Date) | DeadLetterOptions): SyncFactory | AsyncFactory {
  const options: DeadLetterOptions = typeof nowOrOptions === 'function' ? { now: nowOrOptions } : (nowOrOptions ?? {});
  const now = options.now ?? (() => new Date());
  const topic = options.topic ?? Topics.dlq;
  const build = (input: InboundRecord, error: unknown, payload: string | undefined, keyId?: string): BusRecord[] => {
    const at = now().toISOString();
    const code = isConduitError(error) ? error.code : 'CDT_INTERNAL';
    const detail = isConduitError(error) ? error.detail : undefined;
    const value: DlqRecord = {
      stage,
      errorCode: code,
      ...(detail ? { errorDetail: detail } : {}),
      attempts: 1,
      firstFailureAt: at,
      lastFailureAt: at,
      ...(input.headers.eventId ? { sourceEventId: input.headers.eventId } : {}),
      source: { topic: input.topic, partition: input.partition, offset: input.offset },
      ...(payload === undefined ? { payloadOmitted: true } : { payload }),
    };
    const records: BusRecord[] = [{
      topic,
      key: input.key,
      value,
      headers: {
        eventId: input.headers.eventId ?? `${input.topic}/${input.partition}/${input.offset}`,
        correlationId: input.headers.correlationId ?? input.headers.eventId ?? 'unknown',
        schema: SchemaIds.dlq.name,
        schemaVersion: SchemaIds.dlq.version,
        ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
        ...(keyId ? { keyId } : {}),
      },
    }];
    options.onDeadLettered?.(code);
    return records;
  };
  const sealer = options.sealer;
  if (!sealer) {
    return (input, error) => {
      const text = input.value.toString('utf8');
      // As the publisher will write it: a JSON string, escapes included (encoded to be measured
      // only when it could be too large).
      const fits = jsonSurelyWithin(text.length, MAX_PAYLOAD_BYTES) || Buffer.byteLength(JSON.stringify(text)) <= MAX_PAYLOAD_BYTES;
      return build(input, error, fits ? text : undefined);
    };
  }
  return async (input, error) => {
    if (!sealedPayloadFitsDlq(input.value.length)) return build(input, error, undefined);
    const { keyId, sealed } = await sealer.seal(input.value);
    return build(input, error, sealed, keyId);
  };
}
