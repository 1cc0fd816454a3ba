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
  private readonly byId = new Map<string, IdentifiedResource>();

  add<T extends IdentifiedResource>(resource: T): T {
    const key = `${resource.resourceType}/${resource.id}`;
    const existing = this.byId.get(key);
    if (existing) return existing as T;
    this.byId.set(key, resource);
    return resource;
  }

  has(resourceType: string, id: string): boolean {
    return this.byId.has(`${resourceType}/${id}`);
  }

  /** Entries in the order resources were added, with `first` (the MessageHeader) ahead of them. */
  entries(first?: IdentifiedResource): BundleEntry[] {
    const out: BundleEntry[] = [];
    const push = (r: IdentifiedResource) => {
      const resource = prune(r);
      if (resource) out.push({ fullUrl: `urn:uuid:${r.id}`, resource });
    };
    if (first) push(first);
    for (const r of this.byId.values()) if (r !== first) push(r);
    return out;
  }
}

export function referenceTo<T extends Resource>(resource: T & { id: string }, display?: string): Reference<T> {
  return display ? { reference: `urn:uuid:${resource.id}`, display } : { reference: `urn:uuid:${resource.id}` };
}
