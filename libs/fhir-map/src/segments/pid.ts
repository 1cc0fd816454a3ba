import type { Address, CodeableConcept, Coding, ContactPoint, Extension, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { codingSystemUri, v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { toIdentifier } from '../datatypes/cx.ts';
import type { WithPrimitiveExtension } from '../datatypes/period.ts';
import { toAddress } from '../datatypes/xad.ts';
import { toHumanNames } from '../datatypes/xpn.ts';
import { toContactPoint } from '../datatypes/xtn.ts';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';
import {
  ADMINISTRATIVE_SEX, CDC_RACE_CODE, ETHNIC_GROUP_0189, MARITAL_STATUS, OMB_ETHNICITY, OMB_RACE,
} from '../vocab/patient.ts';

export type MappedPatient = WithPrimitiveExtension<Patient, 'birthDate'> & { id: string };

const genders: Readonly<Record<string, Patient['gender']>> = ADMINISTRATIVE_SEX;
const maritalStatuses: Readonly<Record<string, readonly [string, string, string]>> = MARITAL_STATUS;
const ethnicGroups: Readonly<Record<string, string>> = ETHNIC_GROUP_0189;
const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/';
const CDC_RACE_ETHNICITY = 'urn:oid:2.16.840.1.113883.6.238';

/**
 * The identity a Patient id derives from, the same rule as findPatientIdentity (@conduit/hl7v2):
 * the PID-3 repetition typed MR, else the first; its CX.4.1, else MSH-4.1. Read without marking.
 */
export function patientIdentity(pid: SegmentReader, sendingFacility: string): { authority: string; mrn: string } | undefined {
  const reps = pid.reps(3);
  let rep = 1;
  for (let r = 1; r <= reps; r++) {
    if (pid.peek(3, r, 5) === 'MR') {
      rep = r;
      break;
    }
  }
  const mrn = pid.peek(3, rep, 1);
  return mrn ? { authority: pid.peek(3, rep, 4) || sendingFacility, mrn } : undefined;
}

export function patientId(scope: MapScope, pid: SegmentReader): string {
  const identity = patientIdentity(pid, scope.sendingFacility);
  return identity ? scope.id('Patient', identity.authority, identity.mrn) : scope.positionId('Patient', pid);
}

/** Y/N (table 0136) → boolean. */
export function yesNo(value: string): boolean | undefined {
  return value === 'Y' ? true : value === 'N' ? false : undefined;
}

/**
 * PID → Patient (PID[Patient] @ 1c48473d). Field by field as v2-to-fhir.md §2; PID-10/22 become
 * the US Core race/ethnicity extensions (US realm choice, §10.4). PID-18 (Account) and PID-21
 * (mother's RelatedPerson) are not mapped and stay in the report.
 */
export function mapPid(scope: MapScope, pid: SegmentReader): MappedPatient {
  pid.get(1);
  const identifier: Identifier[] = [];
  const addIdentifier = (field: number, rep: number) => {
    const id = toIdentifier(scope, pid.field(field, rep));
    if (id) identifier.push(id);
  };
  addIdentifier(2, 1);
  for (let r = 1; r <= pid.reps(3); r++) addIdentifier(3, r);
  for (let r = 1; r <= pid.reps(4); r++) addIdentifier(4, r);
  const ssn = pid.get(19);
  if (ssn) identifier.push({ type: { coding: [{ system: v2Table('0203'), code: 'SS' }] }, system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn });
  const dln = pid.get(20);
  if (dln) {
    const state = pid.get(20, 1, 2);
    const expires = pid.get(20, 1, 3);
    const end = expires ? scope.dates.dateTime(expires) : undefined;
    if (expires && !end) pid.drop(20, 1, 3);
    identifier.push({
      type: { coding: [{ system: v2Table('0203'), code: 'DL' }] },
      system: `urn:conduit:id:dln:${encodeURIComponent(state || scope.sendingFacility)}`,
      value: dln,
      period: end ? { end } : undefined,
    });
  }

  const name: HumanName[] = [];
  for (let r = 1; r <= pid.reps(5); r++) name.push(...toHumanNames(scope, pid.field(5, r)));
  for (let r = 1; r <= pid.reps(9); r++) name.push(...toHumanNames(scope, pid.field(9, r)));

  const extension: Extension[] = [];
  const maiden = pid.get(6, 1, 1);
  if (maiden) extension.push({ url: `${EXT}patient-mothersMaidenName`, valueString: maiden });
  const race = raceOrEthnicity(pid, 10, 'us-core-race', OMB_RACE);
  if (race) extension.push(race);
  const ethnicity = raceOrEthnicity(pid, 22, 'us-core-ethnicity', OMB_ETHNICITY);
  if (ethnicity) extension.push(ethnicity);
  const religion = toCodeableConcept(pid.field(17), v2Table('0006'));
  if (religion) extension.push({ url: `${EXT}patient-religion`, valueCodeableConcept: religion });
  const birthPlace = pid.get(23);
  if (birthPlace) extension.push({ url: `${EXT}patient-birthPlace`, valueAddress: { text: birthPlace } });
  for (let r = 1; r <= pid.reps(26); r++) {
    const code = toCodeableConcept(pid.field(26, r));
    if (code) extension.push({ url: `${EXT}patient-citizenship`, extension: [{ url: 'code', valueCodeableConcept: code }] });
  }
  const nationality = toCodeableConcept(pid.field(28));
  if (nationality) extension.push({ url: `${EXT}patient-nationality`, extension: [{ url: 'code', valueCodeableConcept: nationality }] });

  const dob = pid.get(7);
  const birthDate = dob ? scope.dates.date(dob) : undefined;
  const birthTime = birthDate && scope.dates.hasTime(dob) ? scope.dates.dateTime(dob) : undefined;
  if (dob && !birthDate) pid.drop(7);

  const sex = pid.get(8);
  const gender = genders[sex];
  // table-hl70001-to-administrative-gender has no row for M-, 1 …: the value is left out and reported.
  if (sex && !gender) pid.drop(8);

  const address: Address[] = [];
  for (let r = 1; r <= pid.reps(11); r++) {
    const a = toAddress(scope, pid.field(11, r));
    if (a) address.push(a);
  }
  const county = pid.get(12);
  if (county) {
    // PID-12 → address.district when there is one address without XAD.9, else a second address.
    if (address.length === 1 && !address[0]!.district) address[0]!.district = county;
    else address.push({ district: county });
  }

  const telecom: ContactPoint[] = [];
  for (const [field, use] of [[13, 'home'], [14, 'work'], [40, undefined]] as const) {
    for (let r = 1; r <= pid.reps(field); r++) {
      const t = toContactPoint(scope, pid.field(field, r), use);
      if (t) telecom.push(t);
    }
  }

  const language = toCodeableConcept(pid.field(15));
  const maritalStatus = toMaritalStatus(pid);

  const multipleIndicator = pid.get(24);
  const birthOrder = pid.get(25);
  const order = /^\d{1,9}$/.test(birthOrder) ? Number(birthOrder) : undefined;
  if (birthOrder && order === undefined) pid.drop(25);
  const multiple = yesNo(multipleIndicator);
  if (multipleIndicator && multiple === undefined) pid.drop(24);

  const deathTime = pid.get(29);
  const deceasedDateTime = deathTime ? scope.dates.dateTime(deathTime) : undefined;
  if (deathTime && !deceasedDateTime) pid.drop(29);
  const deathFlag = pid.get(30);
  const deceased = yesNo(deathFlag);
  // PID-30 only when PID-29 is empty; a Y next to a death time says the same, an N contradicts it.
  if (deathFlag && (deceased === undefined || (deceasedDateTime && deceased === false))) pid.drop(30);

  const updated = pid.get(33);
  const lastUpdated = updated ? scope.dates.instant(updated) : undefined;
  if (updated && !lastUpdated) pid.drop(33);

  return {
    resourceType: 'Patient',
    id: patientId(scope, pid),
    meta: lastUpdated ? { lastUpdated } : undefined,
    extension,
    identifier,
    name,
    telecom,
    gender,
    birthDate,
    _birthDate: birthTime ? { extension: [{ url: `${EXT}patient-birthTime`, valueDateTime: birthTime }] } : undefined,
    ...(deceasedDateTime ? { deceasedDateTime } : deceased !== undefined ? { deceasedBoolean: deceased } : {}),
    address,
    maritalStatus,
    ...(order !== undefined ? { multipleBirthInteger: order } : multiple !== undefined ? { multipleBirthBoolean: multiple } : {}),
    communication: language ? [{ language }] : undefined,
  };
}

/** PID-16 → maritalStatus through table-hl70002-to-v3-maritalstatus when the code is a table 0002 code. */
function toMaritalStatus(pid: SegmentReader): CodeableConcept | undefined {
  const code = pid.peek(16);
  const system = pid.peek(16, 1, 3);
  const mapped = maritalStatuses[code];
  if (!mapped || (system !== '' && system.toUpperCase() !== 'HL70002')) return toCodeableConcept(pid.field(16), v2Table('0002'));
  pid.get(16);
  pid.get(16, 1, 3);
  const text = pid.get(16, 1, 2);
  const [cs, value, display] = mapped;
  return { coding: [{ system: `http://terminology.hl7.org/CodeSystem/${cs}`, code: value, display }], text: text || undefined };
}

/**
 * PID-10 / PID-22 → US Core race / ethnicity (complex extensions: ombCategory for the OMB
 * categories, detailed for other CDC race & ethnicity codes, text required). Table 0189 letters
 * H and N stand for the OMB ethnicity codes. Codes outside the CDC code set cannot be placed and
 * are reported; their display still feeds `text`.
 */
function raceOrEthnicity(pid: SegmentReader, field: number, profile: string, omb: Readonly<Record<string, string>>): Extension | undefined {
  const parts: Extension[] = [];
  const texts: string[] = [];
  for (let r = 1; r <= pid.reps(field); r++) {
    const raw = pid.get(field, r, 1);
    const display = pid.get(field, r, 2);
    const system = pid.get(field, r, 3);
    const code = field === 22 ? (ethnicGroups[raw] ?? raw) : raw;
    const known = CDC_RACE_CODE.test(code) && (system === '' || ['CDCREC', 'HL70005', 'HL70189'].includes(system.toUpperCase()) || codingSystemUri(system) === CDC_RACE_ETHNICITY);
    if (known) {
      const coding: Coding = { system: CDC_RACE_ETHNICITY, code, display: omb[code] ?? (display || undefined) };
      parts.push({ url: omb[code] ? 'ombCategory' : 'detailed', valueCoding: coding });
      texts.push(display || omb[code] || code);
    } else {
      if (raw) pid.drop(field, r, 1);
      if (system) pid.drop(field, r, 3);
      if (display) texts.push(display);
    }
  }
  if (parts.length === 0 && texts.length === 0) return undefined;
  parts.push({ url: 'text', valueString: texts.join(', ') });
  return { url: `${US_CORE}${profile}`, extension: parts };
}
