import type { Patient, Identifier, HumanName } from '@medplum/fhirtypes';
import type { Hl7Segment } from '@conduit/hl7v2';

/** PID-8 → Patient.gender (ConceptMap table-hl70001-to-administrative-gender). */
const GENDER: Readonly<Record<string, Patient['gender']>> = { F: 'female', M: 'male', O: 'other', U: 'unknown', A: 'other', N: 'other' };

export function mapPatientIdentifiers(pid: Hl7Segment): Identifier[] {
  const out: Identifier[] = [];
  for (let rep = 1; rep <= pid.repetitions(3).length; rep++) {
    const value = pid.get(3, rep, 1);
    if (!value) continue;
    const type = pid.get(3, rep, 5);
    const authority = pid.get(3, rep, 4);
    out.push({
      value,
      ...(type ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: type }] } } : {}),
      ...(authority ? { assigner: { display: authority } } : {}),
    });
  }
  return out;
}

export function mapPatient(pid: Hl7Segment, id: string): Patient {
  const names: HumanName[] = [];
  for (let rep = 1; rep <= pid.repetitions(5).length; rep++) {
    const family = pid.get(5, rep, 1);
    const given = [pid.get(5, rep, 2), pid.get(5, rep, 3)].filter((g) => g !== '');
    if (family || given.length) names.push({ ...(family ? { family } : {}), ...(given.length ? { given } : {}) });
  }
  const dob = pid.get(7);
  const gender = GENDER[pid.get(8)];
  return {
    resourceType: 'Patient',
    id,
    identifier: mapPatientIdentifiers(pid),
    ...(names.length ? { name: names } : {}),
    ...(gender ? { gender } : {}),
    ...(/^\d{8}/.test(dob) ? { birthDate: `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` } : {}),
  };
}
