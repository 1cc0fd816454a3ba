import type { Bundle, DiagnosticReport, Reference } from '@medplum/fhirtypes';
import { ConduitError } from '@conduit/errors';
import { findPatientIdentity, type Hl7Message } from '@conduit/hl7v2';
import { derivePatientKey } from '@conduit/keys';
import type { CanonicalEvent } from '@conduit/events';
import { BundleBuilder, referenceTo } from './bundle-builder.ts';
import { dateConverterFor } from './datatypes/dtm.ts';
import { TRIGGER_EVENTS, type TriggerEvent } from './events.ts';
import { createFhirValidator, type FhirValidator } from './fhir-validator.ts';
import { createIdentifierSystemResolver } from './identifier-systems.ts';
import { createMapScope, type MapScope } from './map-scope.ts';
import { MAPPING_VERSION, type MappingContext } from './mapping-context.ts';
import { listUnmapped } from './mapping-report.ts';
import { mapAl1 } from './segments/al1.ts';
import { mapDg1 } from './segments/dg1.ts';
import { mapIn1 } from './segments/in1.ts';
import { mapMrg } from './segments/mrg.ts';
import { buildMessageHeader, readMsh, readSft, type MessageFacts } from './segments/msh.ts';
import { mapNk1 } from './segments/nk1.ts';
import { mapNte } from './segments/nte.ts';
import { mapObx, type MappedObservation } from './segments/obx.ts';
import { closeOrder, mapOrder, newOrderGroup, type OrderGroup } from './segments/order.ts';
import { mapPd1 } from './segments/pd1.ts';
import { mapPid, type MappedPatient } from './segments/pid.ts';
import { controlIdentifier, eventProvenance, sourceProvenance, transformationProvenance } from './segments/provenance.ts';
import { mapPv1, type MappedEncounter } from './segments/pv1.ts';
import { mapPv2 } from './segments/pv2.ts';
import { mapRol } from './segments/rol.ts';
import { mapSpm } from './segments/spm.ts';

export type { MappingContext } from './mapping-context.ts';

let sharedValidator: FhirValidator | undefined;

/** The validator mapToCanonical uses when the context brings none: created on first use, then shared. */
export function defaultFhirValidator(): FhirValidator {
  return (sharedValidator ??= createFhirValidator());
}

/** Where the next NTE belongs (NTE follows the segment it annotates). */
type NoteTarget = { kind: 'observation'; resource: MappedObservation } | { kind: 'request'; group: OrderGroup } | undefined;

interface WalkResult {
  readonly patients: MappedPatient[];
  readonly encounters: MappedEncounter[];
  readonly reports: Reference<DiagnosticReport>[];
  readonly evnIndex?: number;
}

/**
 * Walks the segments in order, keeping the groups of ADT_A01/A05/A09/A39 and ORU_R01 by position:
 * PID opens a patient (PD1, NK1, PV1, PV2, AL1, DG1, IN1, ROL, MRG belong to it), ORC/OBR open an
 * ORDER_OBSERVATION group (OBX, NTE, SPM belong to it), NTE annotates the segment before it.
 * Segments the map does not know (PR1, GT1, IN2, DB1, TQ1, TXA, Z…) are left for the report.
 */
function walk(scope: MapScope, event: TriggerEvent, facts: MessageFacts): WalkResult {
  const segments = scope.message.segments;
  const out: { patients: MappedPatient[]; encounters: MappedEncounter[]; reports: Reference<DiagnosticReport>[]; evnIndex?: number } = { patients: [], encounters: [], reports: [] };
  let patient: MappedPatient | undefined;
  let encounter: MappedEncounter | undefined;
  let group: OrderGroup | undefined;
  let note: NoteTarget;
  const isOru = facts.messageCode === 'ORU';
  const finishGroup = () => {
    if (!group) return;
    if (!group.request && patient) mapOrder(scope, group, patient, encounter);
    closeOrder(group);
    if (group.report) out.reports.push(referenceTo(group.report));
    group = undefined;
  };
  for (let i = 1; i < segments.length; i++) {
    const name = segments[i]!.name;
    if (name === 'SFT') {
      readSft(facts, scope.reader(i));
      continue;
    }
    if (name === 'EVN') {
      out.evnIndex ??= i;
      continue;
    }
    if (name === 'PID') {
      finishGroup();
      patient = scope.bundle.add(mapPid(scope, scope.reader(i)));
      out.patients.push(patient);
      encounter = undefined;
      note = undefined;
      continue;
    }
    if (!patient) continue;
    const r = () => scope.reader(i);
    switch (name) {
      case 'PD1':
        mapPd1(scope, r(), patient);
        break;
      case 'NK1':
        mapNk1(scope, r(), patient);
        break;
      case 'PV1':
        if (event.encounter && !encounter) {
          encounter = mapPv1(scope, r(), patient, event.encounter);
          out.encounters.push(encounter);
        }
        break;
      case 'PV2':
        if (encounter) mapPv2(r(), encounter);
        break;
      case 'AL1':
        mapAl1(scope, r(), patient);
        break;
      case 'DG1':
        mapDg1(scope, r(), patient, encounter);
        break;
      case 'IN1':
        mapIn1(scope, r(), patient);
        break;
      case 'ROL':
        mapRol(scope, r(), patient, encounter);
        break;
      case 'MRG':
        if (event.merge) mapMrg(scope, r(), patient);
        break;
      case 'ORC':
        if (!isOru) break;
        finishGroup();
        group = newOrderGroup();
        group.orc = r();
        note = undefined;
        break;
      case 'OBR':
        if (!isOru) break;
        if (!group || group.obr || !group.orc) {
          finishGroup();
          group = newOrderGroup();
        }
        group.obr = r();
        mapOrder(scope, group, patient, encounter);
        note = { kind: 'request', group };
        break;
      case 'OBX': {
        const observation = mapObx(scope, r(), patient, encounter, group?.report ? group : undefined);
        const specimen = group?.specimens.at(-1);
        if (specimen && group?.report) observation.specimen = referenceTo(specimen);
        if (group?.report) group.observations.push(observation);
        note = { kind: 'observation', resource: observation };
        break;
      }
      case 'NTE': {
        if (!note) break;
        const annotation = mapNte(scope, r());
        if (!annotation) break;
        if (note.kind === 'observation') note.resource.note = [...(note.resource.note ?? []), annotation];
        else if (note.group.request) note.group.request.note = [...(note.group.request.note ?? []), annotation];
        break;
      }
      case 'SPM':
        if (group?.report) group.specimens.push(mapSpm(scope, r(), patient));
        note = undefined;
        break;
      default:
        break;
    }
  }
  finishGroup();
  return out;
}

/**
 * HL7 v2 message → canonical event: a FHIR R4 Bundle of type `message` (the IG's MSH[Bundle]
 * convention, v2-to-fhir.md §10.6): MessageHeader first (the event, MSH-9), Bundle.identifier =
 * MSH-10, Bundle.timestamp = MSH-7; then the resources in the order they were mapped, each with a
 * deterministic id (deriveResourceId) and a `urn:uuid:` fullUrl. Nothing reads the clock or a
 * random source: mapping the same message with the same context gives the same JSON.
 *
 * Throws ConduitError: CDT_MAP_UNSUPPORTED_EVENT, CDT_MAP_NO_PATIENT, CDT_HL7_REQUIRED_SEGMENT_MISSING
 * (A40 without MRG), CDT_HL7_REQUIRED_FIELD_MISSING, CDT_HL7_UNKNOWN_VALUE_TYPE,
 * CDT_HL7_INVALID_RESULT_STATUS, CDT_MAP_UNMAPPED_RESULT_STATUS, CDT_MAP_FHIR_INVALID — none retriable.
 */
export function mapToCanonical(message: Hl7Message, ctx: MappingContext): CanonicalEvent {
  const msh = message.segments[0];
  if (!msh || msh.name !== 'MSH') throw new ConduitError('CDT_HL7_NOT_HL7');
  const bundle = new BundleBuilder();
  const sendingFacility = msh.get(4).trim();
  const scope = createMapScope({
    eventId: ctx.eventId,
    message,
    bundle,
    dates: dateConverterFor(ctx.timeZone),
    systems: createIdentifierSystemResolver(ctx.identifierSystems, sendingFacility),
    sendingFacility,
  });
  const facts = readMsh(scope, scope.reader(0));
  const messageType = `${facts.messageCode}^${facts.triggerEvent}`;
  const event = TRIGGER_EVENTS[messageType];
  if (!event) throw new ConduitError('CDT_MAP_UNSUPPORTED_EVENT', messageType);
  if (!message.segment('PID')) throw new ConduitError('CDT_MAP_NO_PATIENT');
  if (event.merge && !message.segment('MRG')) throw new ConduitError('CDT_HL7_REQUIRED_SEGMENT_MISSING', 'MRG');

  const walked = walk(scope, event, facts);
  const focus: Reference[] = [
    ...walked.patients.map((p) => referenceTo(p)),
    ...walked.patients.flatMap((p) => (p.link ?? []).map((l) => l.other)),
    ...walked.encounters.map((e) => referenceTo(e)),
    ...walked.reports,
  ];
  const header = buildMessageHeader(scope, facts, focus);
  const provenanceInput = { targets: [referenceTo(header), ...focus], rawEventId: ctx.eventId, receivedAt: ctx.receivedAt, mappingVersion: MAPPING_VERSION };
  bundle.add(sourceProvenance(scope, facts, provenanceInput));
  if (walked.evnIndex !== undefined) bundle.add(eventProvenance(scope, scope.reader(walked.evnIndex), facts, provenanceInput));
  bundle.add(transformationProvenance(scope, provenanceInput));

  const fhirBundle: Bundle = {
    resourceType: 'Bundle',
    id: ctx.eventId,
    ...(facts.controlId ? { identifier: controlIdentifier(facts) } : {}),
    type: 'message',
    ...(facts.messageInstant ? { timestamp: facts.messageInstant } : {}),
    entry: bundle.entries(header),
  };

  const issues = (ctx.validator ?? defaultFhirValidator()).validateBundle(fhirBundle);
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length > 0) {
    const where = errors.slice(0, 5).map((e) => (e.constraint ? `${e.path} (${e.constraint})` : `${e.path} (${e.code})`));
    throw new ConduitError('CDT_MAP_FHIR_INVALID', `${errors.length} error(s) at ${where.join(', ')}`);
  }

  const identity = findPatientIdentity(message);
  return {
    eventId: ctx.eventId,
    eventType: event.eventType,
    messageType,
    source: { application: facts.sendingApplication.namespace, facility: facts.sendingFacility.namespace, listener: ctx.listener },
    occurredAt: facts.messageDateTime ?? ctx.receivedAt,
    receivedAt: ctx.receivedAt,
    ...(identity ? { patientKey: derivePatientKey(ctx.patientKeySecret, identity.authority, identity.mrn) } : {}),
    rawEventId: ctx.eventId,
    ...(ctx.replayId ? { replayId: ctx.replayId } : {}),
    mappingVersion: MAPPING_VERSION,
    mappingReport: { unmapped: listUnmapped(message, scope.readers) },
    bundle: fhirBundle,
  };
}
