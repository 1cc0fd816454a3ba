import type { Coding, Practitioner, Reference } from '@medplum/fhirtypes';
import { v2Table, V3 } from '../code-systems.ts';
import { firstDateTime } from '../datatypes/period.ts';
import type { MapScope } from '../map-scope.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { PRIMARY_CARE_ROLES, PROVIDER_ROLE } from '../vocab/encounter.ts';
import type { MappedPatient } from './pid.ts';
import type { MappedEncounter } from './pv1.ts';

const providerRoles: Readonly<Record<string, string>> = PROVIDER_ROLE;

/**
 * ROL → Practitioner (XCN[Practitioner] for ROL-4) and its role: primary care roles become
 * Patient.generalPractitioner (ROL[Patient-GeneralPractitioner]); other roles an
 * Encounter.participant (ROL[Encounter-PractitionerRole]) typed by ROL-3 (table 0443, with a
 * v3-ParticipationType coding where one exists) over ROL-5/6. ROL-2 = DE (delete) adds no role.
 */
export function mapRol(scope: MapScope, rol: SegmentReader, patient: MappedPatient, encounter: MappedEncounter | undefined): void {
  const action = rol.get(2);
  const roleCode = rol.get(3);
  const roleText = rol.get(3, 1, 2);
  const people: Reference<Practitioner>[] = [];
  for (let r = 1; r <= rol.reps(4); r++) {
    const ref = practitionerFromXcn(scope, rol, 4, r);
    if (ref) people.push(ref);
  }
  if (people.length === 0 || action === 'DE') {
    for (const f of [3, 5, 6]) if (rol.peek(f)) rol.drop(f);
    return;
  }
  if (PRIMARY_CARE_ROLES.has(roleCode)) {
    patient.generalPractitioner = [...(patient.generalPractitioner ?? []), ...people];
    for (const f of [5, 6]) if (rol.peek(f)) rol.drop(f);
    return;
  }
  if (!encounter) {
    for (const f of [3, 5, 6]) if (rol.peek(f)) rol.drop(f);
    return;
  }
  const coding: Coding[] = [];
  const mapped = providerRoles[roleCode];
  if (mapped) coding.push({ system: `${V3}ParticipationType`, code: mapped });
  if (roleCode) coding.push({ system: v2Table('0443'), code: roleCode, display: roleText || undefined });
  const start = firstDateTime(scope, rol.field(5), [[1, 1]]);
  const end = firstDateTime(scope, rol.field(6), [[1, 1]]);
  for (const individual of people) {
    encounter.participant = [...(encounter.participant ?? []), {
      type: coding.length ? [{ coding }] : undefined,
      individual,
      period: start || end ? { start, end } : undefined,
    }];
  }
}
