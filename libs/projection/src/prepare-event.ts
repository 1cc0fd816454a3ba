import type { CanonicalEvent } from '@conduit/events';
import { hasModifierExtension } from './apply-plan.ts';
import type { SensitivityRules } from './sensitivity.ts';
import { digestResourceIds } from './resource-digest.ts';

export interface PreparedEntry {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly resourceType: string;
  /** The source id (or fullUrl) the subscriber's pseudonymous id is derived from. */
  readonly sourceId: string;
  /** Sensitive categories found anywhere in the resource. */
  readonly categories: readonly string[];
  /** A top-level modifier extension: the resource is withheld (apply-plan.ts, FHIR R4 §2.4.1.2). */
  readonly modifierExtension: boolean;
}

/**
 * What every subscriber's projection of one event shares, computed once per event rather than once
 * per subscriber: sensitivity classification and the index that resolves references to entries.
 */
export interface PreparedEvent {
  readonly event: CanonicalEvent;
  readonly entries: readonly PreparedEntry[];
  /** fullUrl and `Type/id` → index in entries. */
  readonly byReference: ReadonlyMap<string, number>;
  /** One digest per entry, in entry order, from which each token domain derives its pseudonymous ids. */
  readonly idDigests: Buffer;
}

export function prepareEvent(event: CanonicalEvent, sensitivity: SensitivityRules): PreparedEvent {
  const entries: PreparedEntry[] = [];
  const byReference = new Map<string, number>();
  const list = event.bundle.entry ?? [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    const resource = entry.resource as unknown as Record<string, unknown> | undefined;
    if (typeof resource !== 'object' || resource === null) continue;
    const resourceType = resource['resourceType'];
    if (typeof resourceType !== 'string') continue;
    const id = typeof resource['id'] === 'string' ? resource['id'] : undefined;
    const index = entries.length;
    entries.push({
      resource,
      resourceType,
      sourceId: id ?? entry.fullUrl ?? `${event.eventId}#${i}`,
      categories: sensitivity.classify(resource),
      modifierExtension: hasModifierExtension(resource),
    });
    if (entry.fullUrl) byReference.set(entry.fullUrl, index);
    if (id) byReference.set(`${resourceType}/${id}`, index);
  }
  return { event, entries, byReference, idDigests: digestResourceIds(entries) };
}
