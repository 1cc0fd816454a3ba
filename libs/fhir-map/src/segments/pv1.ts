import type { Coding, Encounter, EncounterLocation, EncounterParticipant, Identifier } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table, V3 } from '../code-systems.ts';
import { toCodeableConcept, toCoding } from '../datatypes/cwe.ts';
import { toIdentifier } from '../datatypes/cx.ts';
import type { EncounterRule, EncounterStatus } from '../events.ts';
import type { MapScope } from '../map-scope.ts';
import { locationByName, locationFromPl } from '../resources/location.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { HOSPITAL_SERVICE, PATIENT_CLASS, PATIENT_CLASS_STATUS, PV1_PARTICIPANTS } from '../vocab/encounter.ts';
import type { MappedPatient } from './pid.ts';

export type MappedEncounter = Encounter & { id: string };

const classes: Readonly<Record<string, readonly [string, string, string]>> = PATIENT_CLASS;
const classStatuses: Readonly<Record<string, EncounterStatus>> = PATIENT_CLASS_STATUS;
const services: Readonly<Record<string, readonly [string, string, string]>> = HOSPITAL_SERVICE;

/** Encounter.location.status for the assigned location, following the encounter's own status. */
function locationStatus(status: EncounterStatus): EncounterLocation['status'] {
  if (status === 'planned') return 'planned';
  if (status === 'finished' || status === 'cancelled') return 'completed';
  return 'active';
}

/**
 * PV1 → Encounter (PV1[Encounter] @ 143eb640), status per events.ts. Id from the visit number
 * (PV1-19, else PV1-50) so later events of the visit update the same Encounter; else from the
 * message. PV1-2 values outside table 0004 give class v3-NullFlavor UNK (class is 1..1 in R4)
 * and stay in the report. PV1-18 (patient type, "implementer decides") and PV1-20 (Coverage)
 * are not mapped.
 */
export function mapPv1(scope: MapScope, pv1: SegmentReader, patient: MappedPatient, rule: EncounterRule): MappedEncounter {
  pv1.get(1);
  const identifier: Identifier[] = [];
  const visit = toIdentifier(scope, pv1.field(19));
  if (visit) {
    visit.type = { coding: [{ system: v2Table('0203'), code: 'VN' }], text: 'visit number' };
    identifier.push(visit);
  }
  const alternate = toIdentifier(scope, pv1.field(50));
  if (alternate) identifier.push(alternate);
  const key = visit ?? alternate;
  const id = key ? scope.id('Encounter', key.system ?? '', key.value ?? '') : scope.positionId('Encounter', pv1);

  const classCode = pv1.get(2);
  const mappedClass = classes[classCode];
  if (classCode && !mappedClass) pv1.drop(2);
  const encounterClass: Coding = mappedClass
    ? { system: `http://terminology.hl7.org/CodeSystem/${mappedClass[0]}`, code: mappedClass[1], display: mappedClass[2] }
    : { system: `${V3}NullFlavor`, code: 'UNK', display: 'unknown' };

  const discharge = rule.ignoreDischarge ? '' : pv1.get(45);
  const end = discharge ? scope.dates.dateTime(discharge) : undefined;
  if (discharge && !end) pv1.drop(45);
  const admit = pv1.get(44);
  const start = admit ? scope.dates.dateTime(admit) : undefined;
  if (admit && !start) pv1.drop(44);

  let status: EncounterStatus;
  if (rule.status === 'pv1') status = end ? 'finished' : (classStatuses[classCode] ?? rule.otherwise ?? 'unknown');
  else status = rule.status;

  const bedStatus = toCoding(pv1.field(40), v2Table('0116'));
  const location: EncounterLocation[] = [];
  const addLocation = (field: number, state: EncounterLocation['status'], operational?: Coding) => {
    const ref = locationFromPl(scope, pv1.field(field), operational);
    if (ref) location.push({ location: ref, status: state });
    else if (operational) pv1.drop(40);
  };
  addLocation(3, locationStatus(status), bedStatus);
  addLocation(6, 'completed');
  addLocation(11, 'active');
  addLocation(42, 'reserved');
  addLocation(43, 'completed');

  const participant: EncounterParticipant[] = [];
  for (const { field, code, display } of PV1_PARTICIPANTS) {
    for (let r = 1; r <= pv1.reps(field); r++) {
      const individual = practitionerFromXcn(scope, pv1, field, r);
      if (individual) participant.push({ type: [{ coding: [{ system: `${V3}ParticipationType`, code, display }] }], individual });
    }
  }

  const serviceCode = pv1.peek(10);
  const service = services[serviceCode];
  let serviceType;
  if (service && (pv1.peek(10, 1, 3) === '' || pv1.peek(10, 1, 3).toUpperCase() === 'HL70069')) {
    pv1.get(10);
    pv1.get(10, 1, 3);
    const text = pv1.get(10, 1, 2);
    serviceType = { coding: [{ system: service[0], code: service[1], display: service[2] }], text: text || undefined };
  } else {
    serviceType = toCodeableConcept(pv1.field(10), v2Table('0069'));
  }

  const readmission = pv1.get(13);
  const destinationName = pv1.get(37, 1, 1) || pv1.get(37, 1, 2);
  const encounter: MappedEncounter = {
    resourceType: 'Encounter',
    id,
    identifier,
    status,
    class: encounterClass,
    type: [toCodeableConcept(pv1.field(4), v2Table('0007'))].filter((x) => x !== undefined),
    serviceType,
    subject: referenceTo(patient),
    participant,
    period: start || end ? { start, end } : undefined,
    hospitalization: {
      preAdmissionIdentifier: toIdentifier(scope, pv1.field(5)),
      reAdmission: readmission ? { coding: [{ system: v2Table('0092'), code: readmission }] } : undefined,
      admitSource: toCodeableConcept(pv1.field(14), v2Table('0023')),
      specialCourtesy: [toCodeableConcept(pv1.field(16), v2Table('0099'))].filter((x) => x !== undefined),
      dischargeDisposition: toCodeableConcept(pv1.field(36), v2Table('0112')),
      destination: locationByName(scope, destinationName),
      dietPreference: [toCodeableConcept(pv1.field(38), v2Table('0114'))].filter((x) => x !== undefined),
    },
    location,
  };
  return scope.bundle.add(encounter);
}
