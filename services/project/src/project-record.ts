import type { BusRecord, InboundRecord } from '@conduit/bus';
import { SchemaIds, Topics, decodeRecord, type RecordValidators } from '@conduit/events';
import { projectEvent, type LoadedContract, type ProjectionKeys } from '@conduit/projection';

export interface ProjectDeps {
  readonly validators: RecordValidators;
  readonly contracts: readonly LoadedContract[];
  readonly keys: ProjectionKeys;
}

/** canonical record → one projected record per subscriber whose contract matches. */
export function projectRecord(input: InboundRecord, deps: ProjectDeps): BusRecord[] {
  const event = decodeRecord(deps.validators.canonical, input.value);
  const out: BusRecord[] = [];
  // A replay aimed at some subscribers (ops sets conduit-replay-subscribers) must reach no other.
  const only = event.replayId ? input.headers.replaySubscribers?.split(',') : undefined;
  for (const { contract } of deps.contracts) {
    if (only && !only.includes(contract.id)) continue;
    const projected = projectEvent(event, contract, deps.keys);
    if (!projected) continue;
    out.push({
      topic: Topics.projected,
      key: projected.patientToken ?? `source:${event.source.facility}`,
      value: projected,
      headers: {
        eventId: projected.eventId,
        correlationId: input.headers.correlationId ?? event.eventId,
        schema: SchemaIds.projected.name,
        schemaVersion: SchemaIds.projected.version,
        ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
        ...(event.replayId ? { replayId: event.replayId } : {}),
      },
    });
  }
  return out;
}
