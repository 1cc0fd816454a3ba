import type { BusRecord, InboundRecord } from '@conduit/bus';
import { ConduitError } from '@conduit/errors';
import { SchemaIds, Topics, assertValid, decodeRecord, type RecordValidators } from '@conduit/events';
import { mapToCanonical, type FhirValidator, type MappingSettings } from '@conduit/fhir-map';
import { parseHl7 } from '@conduit/hl7v2';

export interface NormalizeDeps {
  readonly validators: RecordValidators;
  readonly patientKeySecret: Buffer;
  /** Created once per process: loading the R4 definitions is the costly part. */
  readonly fhirValidator: FhirValidator;
  readonly mapping: MappingSettings;
}

/** raw record → canonical record; mapping or validation failures throw catalogued errors (→ DLQ). */
export function normalizeRecord(input: InboundRecord, deps: NormalizeDeps): BusRecord[] {
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
  return [{
    topic: Topics.canonical,
    key: event.patientKey ?? `source:${event.source.facility}`,
    value: event,
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
