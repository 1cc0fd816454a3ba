import type { ProjectedEvent } from '@conduit/events';

/**
 * One disclosure, for the audit topic: who received what kind of data about which (tokenized)
 * patient, when and why — the facts an accounting of disclosures needs (45 CFR 164.528(b)(2):
 * date, recipient, description of the information, purpose). It holds no PHI and no value from the
 * message, and deliberately not the withheld categories: "sensitive data about this patient was
 * withheld" is itself sensitive (42 CFR 2.13).
 */
export interface DisclosureEntry {
  readonly kind: 'disclosure';
  readonly subscriber: string;
  readonly purposeOfUse: string;
  readonly contractVersion: string;
  readonly projectedEventId: string;
  readonly sourceEventId: string;
  readonly eventType: string;
  /** Resource types delivered, sorted, without duplicates. */
  readonly resourceTypes: readonly string[];
  readonly resourceCount: number;
  /** The patient's token in the subscriber's domain (what the recipient holds). */
  readonly patientToken?: string;
  /** The engine-wide keyed patient key, so one patient's disclosures can be listed across subscribers. */
  readonly patientKey?: string;
  readonly deidentified: boolean;
  readonly replay: boolean;
  readonly disclosedAt: string;
}

export interface DisclosureContext {
  /** When the disclosure was published (ISO 8601); passed in so this stays a pure function. */
  readonly disclosedAt: string;
  /** CanonicalEvent.patientKey of the source event. */
  readonly patientKey?: string;
}

export function buildDisclosure(projected: ProjectedEvent, context: DisclosureContext): DisclosureEntry {
  const types = new Set<string>();
  let count = 0;
  for (const e of projected.bundle.entry ?? []) {
    if (!e.resource) continue;
    types.add(e.resource.resourceType);
    count++;
  }
  return {
    kind: 'disclosure',
    subscriber: projected.subscriber,
    purposeOfUse: projected.purposeOfUse,
    contractVersion: projected.contractVersion,
    projectedEventId: projected.eventId,
    sourceEventId: projected.sourceEventId,
    eventType: projected.eventType,
    resourceTypes: [...types].sort(),
    resourceCount: count,
    ...(projected.patientToken ? { patientToken: projected.patientToken } : {}),
    ...(context.patientKey ? { patientKey: context.patientKey } : {}),
    deidentified: projected.deidentification === 'safe-harbor',
    replay: projected.replay === true,
    disclosedAt: context.disclosedAt,
  };
}
