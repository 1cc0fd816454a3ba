import type { AuditEntryInput } from './audit-writer.ts';

/**
 * The facts of one disclosure (libs/projection buildDisclosure produces them): who received what
 * kind of data about which tokenized patient, when and why (45 CFR 164.528(b)(2)). Declared here
 * by shape so the audit lib needs nothing from the projection lib.
 */
export interface DisclosureFacts {
  readonly subscriber: string;
  readonly purposeOfUse: string;
  readonly contractVersion: string;
  readonly projectedEventId: string;
  readonly sourceEventId: string;
  readonly eventType: string;
  readonly resourceTypes: readonly string[];
  readonly resourceCount: number;
  readonly patientToken?: string;
  readonly patientKey?: string;
  readonly deidentified: boolean;
  readonly replay: boolean;
  readonly disclosedAt: string;
}

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
