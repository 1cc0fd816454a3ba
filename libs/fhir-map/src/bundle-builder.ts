import type { BundleEntry, Reference, Resource } from '@medplum/fhirtypes';
import { prune } from './prune.ts';

export type IdentifiedResource = Resource & { id: string };

/**
 * Collects the resources of one event. Ids are deterministic (deriveResourceId), so a resource
 * met twice (the same practitioner in PV1-7 and OBX-16) is kept once: the first mapping wins.
 * fullUrls are `urn:uuid:<id>` and references point at them (FHIR R4 §2.36.4.1: resolving
 * references within a Bundle by fullUrl); the ids are UUID-shaped for that reason.
 */
export class BundleBuilder {
  /** By type, then id (no `Type/id` key strings to build for every add); `order` keeps the adding order. */
  private readonly byType = new Map<string, Map<string, IdentifiedResource>>();
  private readonly order: IdentifiedResource[] = [];

  add<T extends IdentifiedResource>(resource: T): T {
    let byId = this.byType.get(resource.resourceType);
    if (!byId) {
      byId = new Map();
      this.byType.set(resource.resourceType, byId);
    }
    const existing = byId.get(resource.id);
    if (existing) return existing as T;
    byId.set(resource.id, resource);
    this.order.push(resource);
    return resource;
  }

  has(resourceType: string, id: string): boolean {
    return this.byType.get(resourceType)?.has(id) === true;
  }

  /** Entries in the order resources were added, with `first` (the MessageHeader) ahead of them. */
  entries(first?: IdentifiedResource): BundleEntry[] {
    const out: BundleEntry[] = [];
    const push = (r: IdentifiedResource) => {
      if (prune(r)) out.push({ fullUrl: `urn:uuid:${r.id}`, resource: r });
    };
    if (first) push(first);
    for (const r of this.order) if (r !== first) push(r);
    return out;
  }
}

export function referenceTo<T extends Resource>(resource: T & { id: string }, display?: string): Reference<T> {
  return display ? { reference: `urn:uuid:${resource.id}`, display } : { reference: `urn:uuid:${resource.id}` };
}
