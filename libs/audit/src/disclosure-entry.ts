import type { DisclosureEntry } from '@conduit/projection';
import type { AuditEntryInput } from './audit-writer.ts';

/** The facts of one disclosure, as libs/projection's buildDisclosure states them (45 CFR 164.528(b)(2)). */
export type DisclosureFacts = Omit<DisclosureEntry, 'kind'>;

/** The audit entry of a disclosure, chained like every operator action. */
export function disclosureAuditEntry(d: DisclosureFacts, service: string): AuditEntryInput {
  return {
    kind: 'disclosure',
    at: d.disclosedAt,
    actor: { subject: `service:${service}` },
    action: 'disclose',
    targets: [d.projectedEventId, d.sourceEventId],
    outcome: 'success',
    details: {
      subscriber: d.subscriber,
      purposeOfUse: d.purposeOfUse,
      contractVersion: d.contractVersion,
      eventType: d.eventType,
      resourceTypes: d.resourceTypes.slice(0, 64),
      resourceCount: d.resourceCount,
      deidentified: d.deidentified,
      replay: d.replay,
      ...(d.patientToken ? { patientToken: d.patientToken } : {}),
      ...(d.patientKey ? { patientKey: d.patientKey } : {}),
    },
  };
}
