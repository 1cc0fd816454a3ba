import type { Bundle } from '@medplum/fhirtypes';
import { ConduitError } from '@conduit/errors';
import { findPatientIdentity, readHeader, type Hl7Message } from '@conduit/hl7v2';
import { derivePatientKey } from '@conduit/keys';
import type { CanonicalEvent, CanonicalEventType } from '@conduit/events';
import { deriveResourceId } from './resource-id.ts';
import { mapPatient } from './patient.ts';

export interface MappingContext {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly listener: string;
  /** Key for the patient key (HMAC of assigning authority + MRN). */
  readonly patientKeySecret: Buffer;
  /** Set when the raw record is being replayed; carried into the event. */
  readonly replayId?: string;
}

const EVENT_TYPES: Readonly<Record<string, CanonicalEventType>> = {
  'ADT^A01': 'patient-admitted', 'ADT^A02': 'patient-transferred', 'ADT^A03': 'patient-discharged',
  'ADT^A04': 'patient-registered', 'ADT^A05': 'patient-preadmitted', 'ADT^A08': 'patient-updated',
  'ADT^A11': 'admit-cancelled', 'ADT^A13': 'discharge-cancelled', 'ADT^A31': 'person-updated',
  'ADT^A40': 'patients-merged', 'ORU^R01': 'result-reported',
};

export function mapToCanonical(message: Hl7Message, ctx: MappingContext): CanonicalEvent {
  const header = readHeader(message);
  const messageType = `${header.messageCode}^${header.triggerEvent}`;
  const eventType = EVENT_TYPES[messageType];
  if (!eventType) throw new ConduitError('CDT_MAP_UNSUPPORTED_EVENT', messageType);
  const pid = message.segment('PID');
  if (!pid) throw new ConduitError('CDT_MAP_NO_PATIENT');
  const identity = findPatientIdentity(message);
  const patient = mapPatient(pid, identity ? deriveResourceId('Patient', identity.authority, identity.mrn) : deriveResourceId('Patient', ctx.eventId));
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: ctx.eventId,
    type: 'collection',
    entry: [{ fullUrl: `urn:uuid:${patient.id}`, resource: patient }],
  };
  return {
    eventId: ctx.eventId,
    eventType,
    messageType,
    source: { application: header.sendingApplication, facility: header.sendingFacility, listener: ctx.listener },
    occurredAt: header.messageTime,
    receivedAt: ctx.receivedAt,
    ...(identity ? { patientKey: derivePatientKey(ctx.patientKeySecret, identity.authority, identity.mrn) } : {}),
    rawEventId: ctx.eventId,
    ...(ctx.replayId ? { replayId: ctx.replayId } : {}),
    bundle,
  };
}
