import type { CodeableConcept, Coverage, CoverageClass, Identifier, Organization, Patient, Reference, RelatedPerson } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { codingSystemUri, TERMINOLOGY } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { toIdentifier } from '../datatypes/cx.ts';
import { firstDateTime } from '../datatypes/period.ts';
import { toAddress } from '../datatypes/xad.ts';
import { toHumanNames } from '../datatypes/xpn.ts';
import { toContactPoint } from '../datatypes/xtn.ts';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { SUBSCRIBER_RELATIONSHIP } from '../vocab/patient.ts';
import { toRelationship } from './nk1.ts';
import type { MappedPatient } from './pid.ts';

const subscriberRelationships: Readonly<Record<string, string>> = SUBSCRIBER_RELATIONSHIP;

/**
 * IN1 → Coverage + payor Organization (IN1[Coverage] @ 1a7a29ad): IN1-2 plan → identifier
 * (CWE[Identifier]) and class `plan` (with its name), IN1-3/4/5/7 → payor Organization identifier/name/address/telecom, IN1-8/9
 * → class group, IN1-12/13 → period, IN1-15 → type, IN1-16/17/18/19 → subscriber (the Patient
 * when IN1-17 is SEL, else a RelatedPerson) and relationship, IN1-36 → identifier (policy
 * number), IN1-49 → subscriberId. status is `active`: IN1 carries no status and R4 needs one.
 */
export function mapIn1(scope: MapScope, in1: SegmentReader, patient: MappedPatient): void {
  in1.get(1);
  const identifier: Identifier[] = [];
  const classes: CoverageClass[] = [];
  const plan = in1.get(2);
  if (plan) {
    const planSystem = in1.get(2, 1, 3);
    identifier.push({ system: planSystem ? codingSystemUri(planSystem) : undefined, value: plan });
    classes.push({ type: { coding: [{ system: `${TERMINOLOGY}coverage-class`, code: 'plan', display: 'Plan' }] }, value: plan, name: in1.get(2, 1, 2) || undefined });
  }
  const policy = in1.get(36);
  if (policy) identifier.push({ type: { coding: [{ system: `${TERMINOLOGY}v2-0203`, code: 'MB', display: 'Member Number' }] }, value: policy });

  const payor = mapPayor(scope, in1);
  const relationCode = in1.peek(17);
  const relationship = toRelationship(in1, 17);
  const isSelf = relationCode === 'SEL' || relationCode === '01';
  let subscriber: Reference<Patient | RelatedPerson> | undefined;
  if (isSelf) {
    subscriber = referenceTo(patient);
    for (const f of [16, 18, 19]) for (let r = 1; r <= in1.reps(f); r++) if (in1.peek(f, r)) in1.drop(f, r);
  } else {
    subscriber = mapInsured(scope, in1, patient, relationship);
  }
  const start = firstDateTime(scope, in1.field(12), [[1, 1]]);
  const end = firstDateTime(scope, in1.field(13), [[1, 1]]);
  const group = in1.get(8);
  const groupName = in1.get(9, 1, 1);
  if (groupName && !group) in1.drop(9, 1, 1);
  const subscriberId = in1.get(49);
  const sub = subscriberRelationships[relationCode];
  const coverage: Coverage & { id: string } = {
    resourceType: 'Coverage',
    id: scope.id('Coverage', patient.id, payor?.reference ?? '', plan, policy, in1.peek(1)),
    identifier,
    status: 'active',
    type: toCodeableConcept(in1.field(15)),
    subscriber,
    subscriberId: subscriberId || undefined,
    beneficiary: referenceTo(patient),
    relationship: relationship || relationCode
      ? { coding: [{ system: `${TERMINOLOGY}subscriber-relationship`, code: sub ?? 'other' }, ...(relationship?.coding ?? [])], text: relationship?.text }
      : undefined,
    period: start || end ? { start, end } : undefined,
    payor: [payor ?? { display: 'unknown payor' }],
    class: group
      ? [...classes, { type: { coding: [{ system: `${TERMINOLOGY}coverage-class`, code: 'group', display: 'Group' }] }, value: group, name: groupName || undefined }]
      : classes,
  };
  scope.bundle.add(coverage);
}

function mapPayor(scope: MapScope, in1: SegmentReader): Reference<Organization> | undefined {
  const ids: Identifier[] = [];
  for (let r = 1; r <= in1.reps(3); r++) {
    const id = toIdentifier(scope, in1.field(3, r));
    if (id) ids.push(id);
  }
  const name = in1.get(4, 1, 1);
  if (ids.length === 0 && !name) {
    for (const f of [5, 7]) for (let r = 1; r <= in1.reps(f); r++) if (in1.peek(f, r)) in1.drop(f, r);
    return undefined;
  }
  const address = [];
  for (let r = 1; r <= in1.reps(5); r++) {
    const a = toAddress(scope, in1.field(5, r));
    if (a) address.push(a);
  }
  const telecom = [];
  for (let r = 1; r <= in1.reps(7); r++) {
    const t = toContactPoint(scope, in1.field(7, r));
    if (t) telecom.push(t);
  }
  const first = ids[0];
  const org: Organization & { id: string } = {
    resourceType: 'Organization',
    id: first ? scope.id('Organization', first.system ?? '', first.value ?? '') : scope.id('Organization', `name:${name}`),
    identifier: ids,
    name: name || undefined,
    address,
    telecom,
  };
  return referenceTo(scope.bundle.add(org), name || undefined);
}

function mapInsured(scope: MapScope, in1: SegmentReader, patient: MappedPatient, relationship: CodeableConcept | undefined): Reference<RelatedPerson> | undefined {
  const name = [];
  for (let r = 1; r <= in1.reps(16); r++) name.push(...toHumanNames(scope, in1.field(16, r)));
  if (name.length === 0) return undefined;
  const dob = in1.get(18);
  const birthDate = dob ? scope.dates.date(dob) : undefined;
  if (dob && !birthDate) in1.drop(18);
  const address = [];
  for (let r = 1; r <= in1.reps(19); r++) {
    const a = toAddress(scope, in1.field(19, r));
    if (a) address.push(a);
  }
  const insured: RelatedPerson & { id: string } = {
    resourceType: 'RelatedPerson',
    id: scope.id('RelatedPerson', patient.id, 'insured', name[0]?.family ?? '', name[0]?.given?.[0] ?? '', birthDate ?? ''),
    patient: referenceTo(patient),
    relationship: relationship ? [relationship] : undefined,
    name,
    birthDate,
    address,
  };
  return referenceTo(scope.bundle.add(insured));
}
