import type { BusRecord, InboundRecord } from '@conduit/bus';
import { ConduitError } from '@conduit/errors';
import { MAX_RECORD_BYTES, SchemaIds, Topics, assertValid, decodeRecord, type RecordValidators } from '@conduit/events';
import { mapToCanonical, type FhirValidator, type MappingSettings } from '@conduit/fhir-map';
import { parseHl7 } from '@conduit/hl7v2';
import type { NormalizeMetrics } from './normalize-metrics.ts';

export interface NormalizeDeps {
  readonly validators: RecordValidators;
  readonly patientKeySecret: Buffer;
  /** Created once per process: loading the R4 definitions is the costly part. */
  readonly fhirValidator: FhirValidator;
  readonly mapping: MappingSettings;
  /** Largest canonical record to publish (MAX_RECORD_BYTES; tests lower it). */
  readonly maxRecordBytes?: number;
  /** Told of each event made (the service's; the benchmark runs without). */
  readonly metrics?: NormalizeMetrics;
}

/**
 * raw record → canonical record, its value encoded here (once) so its size can be checked: a
 * message can map to ten times its own size (an ORU of 60,000 OBX, 8 MiB, to 62 MB of JSON).
 * Mapping or validation failures, and an event larger than the topic takes, throw catalogued
 * errors (→ DLQ).
 */
export function normalizeRecord(input: InboundRecord, deps: NormalizeDeps): BusRecord[] {
  const started = performance.now();
  const raw = decodeRecord(deps.validators.raw, input.value);
  const eventId = input.headers.eventId;
  if (!eventId) throw new ConduitError('CDT_RECORD_INVALID', 'missing conduit-event-id header');
  const event = mapToCanonical(parseHl7(raw.hl7), {
    eventId,
    receivedAt: raw.receivedAt,
    listener: raw.listener,
    patientKeySecret: deps.patientKeySecret,
    ...deps.mapping,
    validator: deps.fhirValidator,
    ...(input.headers.replayId ? { replayId: input.headers.replayId } : {}),
  });
  assertValid(deps.validators.canonical, event);
  const value = Buffer.from(JSON.stringify(event));
  const limit = deps.maxRecordBytes ?? MAX_RECORD_BYTES;
  if (value.length > limit) throw new ConduitError('CDT_RECORD_TOO_LARGE', `canonical event of ${value.length} bytes; the limit is ${limit}`);
  deps.metrics?.normalized(event, value.length, (performance.now() - started) / 1000);
  return [{
    topic: Topics.canonical,
    key: event.patientKey ?? `source:${event.source.facility}`,
    value,
    headers: {
      eventId: event.eventId,
      correlationId: input.headers.correlationId ?? eventId,
      schema: SchemaIds.canonical.name,
      schemaVersion: SchemaIds.canonical.version,
      ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
      ...(input.headers.replayId ? { replayId: input.headers.replayId } : {}),
      ...(input.headers.replaySubscribers ? { replaySubscribers: input.headers.replaySubscribers } : {}),
      ...(input.headers.sourceListener ? { sourceListener: input.headers.sourceListener } : {}),
    },
  }];
}
