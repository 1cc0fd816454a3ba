import type { Patient } from '@medplum/fhirtypes';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import type { MapScope } from '../map-scope.ts';
import { organizationFromXon } from '../resources/organization.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import type { MappedPatient } from './pid.ts';

const EXT = 'http://hl7.org/fhir/StructureDefinition/';

/**
 * PD1 → Patient (PD1[Patient] @ 31ff55f0): PD1-3 → generalPractitioner(Organization), PD1-4 →
 * generalPractitioner(Practitioner), PD1-6 → patient-disability, PD1-14 → patient-congregation.
 * PD1-7 (living will Observation) and the rest are not mapped.
 */
export function mapPd1(scope: MapScope, pd1: SegmentReader, patient: MappedPatient): void {
  const gp: NonNullable<Patient['generalPractitioner']> = [...(patient.generalPractitioner ?? [])];
  for (let r = 1; r <= pd1.reps(3); r++) {
    const org = organizationFromXon(scope, pd1.field(3, r));
    if (org) gp.push(org);
  }
  for (let r = 1; r <= pd1.reps(4); r++) {
    const practitioner = practitionerFromXcn(scope, pd1, 4, r);
    if (practitioner) gp.push(practitioner);
  }
  if (gp.length) patient.generalPractitioner = gp;
  const extension = [...(patient.extension ?? [])];
  const disability = toCodeableConcept(pd1.field(6));
  if (disability) extension.push({ url: `${EXT}patient-disability`, valueCodeableConcept: disability });
  const congregation = pd1.get(14);
  if (congregation) extension.push({ url: `${EXT}patient-congregation`, valueString: congregation });
  if (extension.length) patient.extension = extension;
}
