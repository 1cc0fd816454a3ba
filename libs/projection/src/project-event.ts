import type { Bundle, BundleEntry, Identifier, Resource } from '@medplum/fhirtypes';
import type { CanonicalEvent, ProjectedEvent } from '@conduit/events';
import { deriveEventId } from '@conduit/bus';
import { deriveToken } from '@conduit/keys';
import type { SubscriberContract } from './contract.ts';

export interface ProjectionKeys {
  /** Secret for identifier tokens; comes from configuration, never from a contract. */
  readonly tokenSecret: Buffer;
}

export function matchesContract(event: CanonicalEvent, contract: SubscriberContract): boolean {
  const f = contract.events;
  if (f.eventTypes?.length && !f.eventTypes.includes(event.eventType)) return false;
  if (f.messageTypes?.length && !f.messageTypes.includes(event.messageType)) return false;
  if (f.facilities?.length && !f.facilities.includes(event.source.facility)) return false;
  if (event.replayId && f.replays === false) return false;
  return true;
}

function tokenizeIdentifiers(ids: readonly Identifier[], secret: Buffer, domain: string): Identifier[] {
  return ids.map((id) => ({
    ...(id.type ? { type: id.type } : {}),
    system: `urn:conduit:token:${domain}`,
    value: deriveToken(secret, domain, id.system ?? id.assigner?.display ?? '', id.value ?? ''),
  }));
}

function projectResource(resource: Resource, allowed: readonly string[], secret: Buffer, domain: string): Resource {
  const source = resource as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { resourceType: resource.resourceType, id: resource.id };
  for (const element of allowed) {
    if (element.endsWith('[x]')) {
      const prefix = element.slice(0, -3);
      for (const [k, v] of Object.entries(source)) if (k.startsWith(prefix) && /^[A-Z]/.test(k.slice(prefix.length))) out[k] = v;
      continue;
    }
    const value = source[element];
    if (value === undefined) continue;
    out[element] = element === 'identifier' ? tokenizeIdentifiers(value as Identifier[], secret, domain) : value;
  }
  return out as unknown as Resource;
}

/**
 * What one subscriber may see of one event: only allowlisted elements of allowlisted resource
 * types, identifiers replaced by tokens of the subscriber's domain. Null when the contract's
 * filter does not match.
 */
export function projectEvent(event: CanonicalEvent, contract: SubscriberContract, keys: ProjectionKeys): ProjectedEvent | null {
  if (!matchesContract(event, contract)) return null;
  const domain = contract.projection.tokenize?.domain ?? contract.id;
  const entries: BundleEntry[] = [];
  for (const entry of event.bundle.entry ?? []) {
    const resource = entry.resource;
    if (!resource) continue;
    const allowed = contract.projection.allow[resource.resourceType];
    if (!allowed) continue;
    entries.push({ fullUrl: entry.fullUrl, resource: projectResource(resource, allowed, keys.tokenSecret, domain) } as BundleEntry);
  }
  const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry: entries };
  return {
    eventId: deriveEventId('projected', event.eventId, contract.id),
    sourceEventId: event.eventId,
    eventType: event.eventType,
    subscriber: contract.id,
    purposeOfUse: contract.purposeOfUse,
    contractVersion: contract.version,
    occurredAt: event.occurredAt,
    ...(event.patientKey ? { patientToken: deriveToken(keys.tokenSecret, domain, 'patient-key', event.patientKey) } : {}),
    ...(event.replayId ? { replay: true } : {}),
    bundle,
  };
}
