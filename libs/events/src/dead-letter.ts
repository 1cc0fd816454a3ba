import { isConduitError } from '@conduit/errors';
import type { BusRecord, InboundRecord } from '@conduit/bus';
import { SchemaIds, Topics } from './topics.ts';
import type { DlqRecord, PipelineStage } from './types.ts';

/**
 * The DLQ record for an input a stage cannot process. It keeps the input's key (a patient hash,
 * never an identifier) and its event id; the error detail is the catalogued detail, free of values.
 */
export function deadLetterFor(stage: PipelineStage, now: () => Date = () => new Date()) {
  return (input: InboundRecord, error: unknown): BusRecord[] => {
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
      payload: input.value.toString('utf8'),
    };
    return [{
      topic: Topics.dlq,
      key: input.key,
      value,
      headers: {
        eventId: input.headers.eventId ?? `${input.topic}/${input.partition}/${input.offset}`,
        correlationId: input.headers.correlationId ?? input.headers.eventId ?? 'unknown',
        schema: SchemaIds.dlq.name,
        schemaVersion: SchemaIds.dlq.version,
        ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
      },
    }];
  };
}
