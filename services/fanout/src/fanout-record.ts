import type { BusRecord, InboundRecord } from '@conduit/bus';
import { ConduitError } from '@conduit/errors';
import { SchemaIds, decodeRecord, subscriberTopic, type RecordValidators } from '@conduit/events';

export interface FanoutDeps {
  readonly validators: RecordValidators;
  readonly subscribers: ReadonlySet<string>;
}

/** projected record → the subscriber's own pull topic. */
export function fanoutRecord(input: InboundRecord, deps: FanoutDeps): BusRecord[] {
  const event = decodeRecord(deps.validators.projected, input.value);
  if (!deps.subscribers.has(event.subscriber)) throw new ConduitError('CDT_FANOUT_UNKNOWN_SUBSCRIBER', `subscriber ${event.subscriber}`);
  return [{
    topic: subscriberTopic(event.subscriber),
    key: input.key,
    value: event,
    headers: {
      eventId: event.eventId,
      correlationId: input.headers.correlationId ?? event.sourceEventId,
      schema: SchemaIds.projected.name,
      schemaVersion: SchemaIds.projected.version,
      ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
      ...(input.headers.replayId ? { replayId: input.headers.replayId } : {}),
    },
  }];
}
