import type { BusRecord, InboundRecord } from '@conduit/bus';
import { auditInboxRecord, disclosureAuditEntry } from '@conduit/audit';
import { SchemaIds, Topics, decodeRecord, type RecordValidators } from '@conduit/events';
import { buildDisclosure, type Projector } from '@conduit/projection';
import type { ProjectMetrics } from './project-metrics.ts';

export interface ProjectDeps {
  readonly validators: RecordValidators;
  readonly projector: Projector;
  readonly now?: () => Date;
  /** Told of each event projected: the service passes its own; tests may leave it out. */
  readonly metrics?: ProjectMetrics;
}

/**
 * canonical record → per matching subscriber, its projected record and the disclosure's audit
 * entry. Both go out in the stage's batch, written before the input is committed: no projection
 * reaches conduit.projected.v1 without its accounting entry (45 CFR 164.528).
 */
export function projectRecord(input: InboundRecord, deps: ProjectDeps): BusRecord[] {
  const started = performance.now();
  const event = decodeRecord(deps.validators.canonical, input.value);
  // A replay aimed at some subscribers (ops sets conduit-replay-subscribers) must reach no other.
  const only = event.replayId ? input.headers.replaySubscribers?.split(',') : undefined;
  const disclosedAt = (deps.now ?? (() => new Date()))().toISOString();
  const out: BusRecord[] = [];
  const projections = deps.projector.project(event, only && new Set(only));
  for (const projected of projections) {
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
    const disclosure = buildDisclosure(projected, { disclosedAt, ...(event.patientKey ? { patientKey: event.patientKey } : {}) });
    out.push(auditInboxRecord(disclosureAuditEntry(disclosure, 'project'), { service: 'project' }));
  }
  deps.metrics?.projected(event, projections, (performance.now() - started) / 1000);
  return out;
}
