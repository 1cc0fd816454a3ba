import type { Condition } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { codingSystemUri, TERMINOLOGY, v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { eiToIdentifier } from '../datatypes/ei.ts';
import type { MapScope } from '../map-scope.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { DIAGNOSIS_TYPE } from '../vocab/encounter.ts';
import type { MappedPatient } from './pid.ts';
import type { MappedEncounter } from './pv1.ts';

const diagnosisTypes: Readonly<Record<string, readonly [string, string]>> = DIAGNOSIS_TYPE;

/**
 * DG1 → Condition (DG1[Condition] @ 1bb9dda8) and Encounter.diagnosis (DG1[Encounter]): DG1-3
 * code (DG1-2, the pre-v2.5 coding method, stands in for a missing CWE.3), DG1-4 → code.text,
 * DG1-5 onset, DG1-6 → diagnosis.use (table 0052 → diagnosis-role, the v2 code kept), DG1-15 →
 * diagnosis.rank, DG1-16 asserter, DG1-19 recordedDate, DG1-20 identifier, DG1-21 = D →
 * verificationStatus entered-in-error (and then no clinicalStatus, con-5).
 */
export function mapDg1(scope: MapScope, dg1: SegmentReader, patient: MappedPatient, encounter: MappedEncounter | undefined): void {
  dg1.get(1);
  const method = dg1.peek(2);
  const code = toCodeableConcept(dg1.field(3), method ? codingSystemUri(method) : undefined);
  if (method) {
    if (code?.coding?.[0] && dg1.peek(3, 1, 3) === '') dg1.get(2);
  }
  const description = dg1.get(4);
  const concept = code || description ? { ...code, text: code?.text ?? (description || undefined) } : undefined;
  if (code?.text && description) dg1.drop(4);
  const onset = dg1.get(5);
  const onsetDateTime = onset ? scope.dates.dateTime(onset) : undefined;
  if (onset && !onsetDateTime) dg1.drop(5);
  const recorded = dg1.get(19);
  const recordedDate = recorded ? scope.dates.dateTime(recorded) : undefined;
  if (recorded && !recordedDate) dg1.drop(19);
  const identifier = eiToIdentifier(scope, dg1.field(20));
  const action = dg1.get(21);
  const asserter = dg1.reps(16) ? practitionerFromXcn(scope, dg1, 16, 1) : undefined;
  const key = identifier
    ? [identifier.system ?? '', identifier.value ?? '']
    : [patient.id, encounter?.id ?? '', concept?.coding?.[0]?.system ?? '', concept?.coding?.[0]?.code ?? concept?.text ?? String(dg1.index)];
  const condition: Condition & { id: string } = {
    resourceType: 'Condition',
    id: scope.id('Condition', ...key),
    identifier: identifier ? [identifier] : undefined,
    verificationStatus: action === 'D' ? { coding: [{ system: `${TERMINOLOGY}condition-ver-status`, code: 'entered-in-error' }] } : undefined,
    category: encounter ? [{ coding: [{ system: `${TERMINOLOGY}condition-category`, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] }] : undefined,
    code: concept,
    subject: referenceTo(patient),
    encounter: encounter ? referenceTo(encounter) : undefined,
    onsetDateTime,
    recordedDate,
    asserter,
  };
  scope.bundle.add(condition);
  if (!encounter) {
    for (const f of [6, 15]) if (dg1.peek(f)) dg1.drop(f);
    return;
  }
  const typeCode = dg1.get(6);
  const role = diagnosisTypes[typeCode];
  const rankText = dg1.get(15);
  const rank = /^[1-9]\d{0,8}$/.test(rankText) ? Number(rankText) : undefined;
  if (rankText && rank === undefined) dg1.drop(15);
  encounter.diagnosis = [...(encounter.diagnosis ?? []), {
    condition: referenceTo(condition),
    use: typeCode
      ? { coding: [...(role ? [{ system: `${TERMINOLOGY}diagnosis-role`, code: role[0], display: role[1] }] : []), { system: v2Table('0052'), code: typeCode }] }
      : undefined,
    rank,
  }];
}
