import type { Address, CodeableConcept, ContactPoint, HumanName, Identifier, Patient, PatientContact, RelatedPerson } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { toIdentifier } from '../datatypes/cx.ts';
import { firstDateTime } from '../datatypes/period.ts';
import { toAddress } from '../datatypes/xad.ts';
import { toHumanNames } from '../datatypes/xpn.ts';
import { toContactPoint } from '../datatypes/xtn.ts';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { ADMINISTRATIVE_SEX, NOT_RELATED_PERSON, RELATIONSHIP } from '../vocab/patient.ts';
import type { MappedPatient } from './pid.ts';

const genders: Readonly<Record<string, Patient['gender']>> = ADMINISTRATIVE_SEX;
const relationships: Readonly<Record<string, readonly [string, string]>> = RELATIONSHIP;

/**
 * Table 0063 relationship → CodeableConcept through table-hl70063-to-v3-rolecode (Relationship
 * sheet) when the code is a table 0063 code (no coding system, or HL70063); the v2 coding is kept
 * next to the mapped one. Other coding systems go through CWE[CodeableConcept] unchanged.
 */
export function toRelationship(reader: SegmentReader, field: number, rep = 1): CodeableConcept | undefined {
  const c = reader.field(field, rep);
  const concept = toCodeableConcept(c, v2Table('0063'));
  const first = concept?.coding?.[0];
  const mapped = first?.system === v2Table('0063') && first.code ? relationships[first.code] : undefined;
  if (!concept || !first || !mapped) return concept;
  const [cs, code] = mapped;
  const target = { system: `http://terminology.hl7.org/CodeSystem/${cs}`, code };
  if (target.system === first.system && code === first.code) return concept;
  return { ...concept, coding: [target, ...(concept.coding ?? [])] };
}

/**
 * NK1 → RelatedPerson (NK1[RelatedPerson] @ 1bb9dda8, unless NK1-3.1 is EMR/E/F/I/S) and
 * Patient.contact (NK1[Patient]): the ADT_A01 message map allows both. NK1-2 name, NK1-3 and
 * NK1-7 relationship, NK1-4 address, NK1-5 telecom (home), NK1-6 telecom (work), NK1-8/9 period,
 * NK1-12/33 identifiers, NK1-13 contact organization, NK1-15 gender, NK1-16 birth date, NK1-20
 * language, NK1-30/31/32 contact person name/telecom/address (used when NK1-2/5/4 are empty),
 * NK1-37 SSN, NK1-40/41 telecom.
 */
export function mapNk1(scope: MapScope, nk1: SegmentReader, patient: MappedPatient): void {
  nk1.get(1);
  const names: HumanName[] = [];
  for (let r = 1; r <= nk1.reps(2); r++) names.push(...toHumanNames(scope, nk1.field(2, r)));
  if (names.length === 0) for (let r = 1; r <= nk1.reps(30); r++) names.push(...toHumanNames(scope, nk1.field(30, r)));
  const relationship: CodeableConcept[] = [];
  const rel = toRelationship(nk1, 3);
  if (rel) relationship.push(rel);
  const role = toCodeableConcept(nk1.field(7), v2Table('0131'));
  if (role) relationship.push(role);
  const addresses: Address[] = [];
  for (let r = 1; r <= nk1.reps(4); r++) {
    const a = toAddress(scope, nk1.field(4, r));
    if (a) addresses.push(a);
  }
  if (addresses.length === 0) {
    for (let r = 1; r <= nk1.reps(32); r++) {
      const a = toAddress(scope, nk1.field(32, r));
      if (a) addresses.push(a);
    }
  }
  const telecom: ContactPoint[] = [];
  for (const [field, use] of [[5, 'home'], [6, 'work'], [31, undefined], [40, undefined], [41, undefined]] as const) {
    for (let r = 1; r <= nk1.reps(field); r++) {
      const t = toContactPoint(scope, nk1.field(field, r), use);
      if (t) telecom.push(t);
    }
  }
  const start = firstDateTime(scope, nk1.field(8), [[1, 1]]);
  const end = firstDateTime(scope, nk1.field(9), [[1, 1]]);
  const period = start || end ? { start, end } : undefined;
  const identifier: Identifier[] = [];
  for (const field of [12, 33]) {
    for (let r = 1; r <= nk1.reps(field); r++) {
      const id = toIdentifier(scope, nk1.field(field, r));
      if (id) identifier.push(id);
    }
  }
  const ssn = nk1.get(37);
  if (ssn) identifier.push({ type: { coding: [{ system: v2Table('0203'), code: 'SS' }] }, system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn });
  const sex = nk1.get(15);
  const gender = genders[sex];
  if (sex && !gender) nk1.drop(15);
  const dob = nk1.get(16);
  const birthDate = dob ? scope.dates.date(dob) : undefined;
  if (dob && !birthDate) nk1.drop(16);
  const language = toCodeableConcept(nk1.field(20));
  const organization = nk1.get(13);

  if (names.length || telecom.length || addresses.length || organization) {
    const contact: PatientContact = {
      relationship: relationship.length ? relationship : undefined,
      name: names[0],
      telecom: telecom.length ? telecom : undefined,
      address: addresses[0],
      gender,
      organization: organization ? { display: organization } : undefined,
      period,
    };
    patient.contact = [...(patient.contact ?? []), contact];
  } else {
    for (const c of [3, 7]) if (nk1.peek(c)) nk1.drop(c);
  }

  const relationCode = nk1.peek(3);
  if (NOT_RELATED_PERSON.has(relationCode) || (names.length === 0 && identifier.length === 0)) return;
  const related: RelatedPerson & { id: string } = {
    resourceType: 'RelatedPerson',
    id: scope.id('RelatedPerson', patient.id, nk1.peek(1) || String(nk1.index), names[0]?.family ?? '', names[0]?.given?.[0] ?? ''),
    identifier: identifier.length ? identifier : undefined,
    patient: referenceTo(patient),
    relationship: relationship.length ? relationship : undefined,
    name: names.length ? names : undefined,
    telecom: telecom.length ? telecom : undefined,
    gender,
    birthDate,
    address: addresses.length ? addresses : undefined,
    period,
    communication: language ? [{ language }] : undefined,
  };
  scope.bundle.add(related);
}
