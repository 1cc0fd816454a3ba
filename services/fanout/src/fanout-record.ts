import type { BusRecord, InboundRecord } from '@conduit/bus';
import { ConduitError } from '@conduit/errors';
import { SchemaIds, decodeRecord, subscriberTopic, type ProjectedEvent, type RecordValidators } from '@conduit/events';
import { forDelivery } from '@conduit/projection';
import { deliveryIdFor } from '@conduit/queue';

export interface RouteDeps {
  readonly validators: RecordValidators;
  readonly subscribers: ReadonlySet<string>;
}

export interface RoutedRecord {
  readonly event: ProjectedEvent;
  /** The event id, or a hash of event id and replay id for a replayed event. */
  readonly deliveryId: string;
  /**
   * The ordering unit: the subscriber's token of the patient (never a global patient key, which
   * would let subscribers join their data sets), or the source for events without a patient.
   */
  readonly lane: string;
}

/**
 * A projected record, validated and addressed to a subscriber this fanout serves, in the form the
 * subscriber receives on every channel (without the withheld categories).
 */
export function routeRecord(input: InboundRecord, deps: RouteDeps): RoutedRecord {
  const event = forDelivery(decodeRecord(deps.validators.projected, input.value));
  if (!deps.subscribers.has(event.subscriber)) throw new ConduitError('CDT_FANOUT_UNKNOWN_SUBSCRIBER', `subscriber ${event.subscriber}`);
  return {
    event,
    deliveryId: deliveryIdFor(event.eventId, input.headers.replayId),
    lane: event.patientToken ?? `source:${input.key ?? ''}`,
  };
}

/**
 * The record for the subscriber's pull topic, keyed by its patient token so one patient's events stay
 * in one partition, in order, and numbered with the subscriber's sequence.
 */
export function subscriberRecord(input: InboundRecord, routed: RoutedRecord, sequence: number): BusRecord {
  const value: ProjectedEvent = { ...routed.event, sequence };
  return {
    topic: subscriberTopic(routed.event.subscriber),
    key: routed.event.patientToken ?? input.key,
    value,
    headers: {
      eventId: routed.event.eventId,
      correlationId: input.headers.correlationId ?? routed.event.sourceEventId,
      schema: SchemaIds.projected.name,
      schemaVersion: SchemaIds.projected.version,
      ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
      ...(input.headers.replayId ? { replayId: input.headers.replayId } : {}),
    },
  };
}
