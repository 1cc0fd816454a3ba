import type { Bundle } from '@medplum/fhirtypes';

export interface RawMessageRecord {
  readonly receivedAt: string;
  readonly listener: string;
  readonly transport: 'mllp' | 'mllp-tls' | 'http';
  readonly peer?: { readonly address?: string; readonly certificateSubject?: string };
  readonly header: {
    readonly sendingApplication: string;
    readonly sendingFacility: string;
    readonly receivingApplication?: string;
    readonly receivingFacility?: string;
    readonly messageTime?: string;
    readonly messageCode: string;
    readonly triggerEvent: string;
    readonly messageStructure?: string;
    readonly controlId: string;
    readonly processingId?: string;
    readonly version: string;
  };
  readonly charset: string;
  readonly hl7: string;
}

export type CanonicalEventType =
  | 'patient-admitted' | 'patient-transferred' | 'patient-discharged' | 'patient-registered' | 'patient-preadmitted'
  | 'patient-updated' | 'admit-cancelled' | 'discharge-cancelled' | 'person-updated' | 'patients-merged' | 'result-reported';

export interface CanonicalEvent {
  readonly eventId: string;
  readonly eventType: CanonicalEventType;
  /** e.g. ADT^A01 */
  readonly messageType: string;
  readonly source: { readonly application: string; readonly facility: string; readonly listener: string };
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly patientKey?: string;
  readonly rawEventId: string;
  readonly replayId?: string;
  /** Version of the fhir-map rules that produced the bundle (replays go through the current map). */
  readonly mappingVersion?: string;
  readonly mappingReport?: { readonly unmapped: readonly { readonly path: string; readonly count: number }[] };
  readonly bundle: Bundle;
}

export interface ProjectedEvent {
  readonly eventId: string;
  readonly sourceEventId: string;
  readonly eventType: string;
  readonly subscriber: string;
  readonly purposeOfUse: string;
  readonly contractVersion: string;
  readonly occurredAt: string;
  readonly patientToken?: string;
  readonly replay?: boolean;
  /** Sensitive categories (never values) of resources withheld from this subscriber. */
  readonly withheld?: readonly string[];
  /** Set when the bundle was de-identified (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)). */
  readonly deidentification?: 'safe-harbor';
  /**
   * Set by fanout on what it delivers: this event's number among the subscriber's events since its
   * subscription started (1, 2, 3…), like FHIR's eventsSinceSubscriptionStart. A missing number is a
   * missing event; a number seen twice is a duplicate (same event id).
   */
  readonly sequence?: number;
  readonly bundle: Bundle;
}

export type PipelineStage = 'ingest' | 'normalize' | 'project' | 'fanout';

export interface DlqRecord {
  readonly stage: PipelineStage;
  readonly errorCode: string;
  readonly errorDetail?: string;
  readonly attempts: number;
  readonly firstFailureAt: string;
  readonly lastFailureAt: string;
  readonly sourceEventId?: string;
  readonly subscriber?: string;
  readonly lastResponseStatus?: number;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly payload?: string;
  /** The payload was too large for the DLQ topic and left out; `source` names where it is. */
  readonly payloadOmitted?: boolean;
}
