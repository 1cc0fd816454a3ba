import type { Extension, Observation, Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import { ConduitError } from '@conduit/errors';
import { referenceTo } from '../bundle-builder.ts';
import { TERMINOLOGY, v2Table, V3 } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { eiToIdentifier } from '../datatypes/ei.ts';
import { parseNm } from '../datatypes/numbers.ts';
import { toAddress } from '../datatypes/xad.ts';
import type { MapScope } from '../map-scope.ts';
import { organizationFromCwe, organizationFromXon } from '../resources/organization.ts';
import { practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { INTERPRETATION_CODES, OBSERVATION_RESULT_STATUS, RESULT_STATUS_ABSENT_REASON } from '../vocab/clinical.ts';
import { mapObxValue } from './obx-value.ts';
import type { OrderGroup } from './order.ts';
import type { MappedPatient } from './pid.ts';
import type { MappedEncounter } from './pv1.ts';

export type MappedObservation = Observation & { id: string };

const resultStatuses: Readonly<Record<string, Observation['status']>> = OBSERVATION_RESULT_STATUS;
const absentReasons: Readonly<Record<string, string>> = RESULT_STATUS_ABSENT_REASON;
const EXT = 'http://hl7.org/fhir/StructureDefinition/';
/** OBX-5 ED/RP: v2-to-fhir.md §8 — R4 has no valueAttachment, the R5 element travels as this extension. */
export const VALUE_ATTACHMENT_EXTENSION = 'https://hl7.org/fhir/R5/StructureDefinition/extension-Observation.valueAttachment';
/**
 * OBX-4 sub-id (OBX[Observation]: "map to the extension-sub-id" when no local IG says how to
 * nest): the complex extension ObsV2SubId, one slice per OG component (OG.1 original
 * sub-identifier, OG.2 group, OG.3 sequence, OG.4 identifier); an ST sub-id is OG.1.
 */
export const SUB_ID_EXTENSION = `${EXT}observation-v2-subid`;

function subIdExtension(obx: SegmentReader): Extension | undefined {
  const original = obx.get(4, 1, 1);
  const group = parseNm(obx.get(4, 1, 2));
  const sequence = parseNm(obx.get(4, 1, 3));
  const identifier = obx.get(4, 1, 4);
  if (group === undefined && obx.peek(4, 1, 2)) obx.drop(4, 1, 2);
  if (sequence === undefined && obx.peek(4, 1, 3)) obx.drop(4, 1, 3);
  const parts: Extension[] = [];
  if (original) parts.push({ url: 'original-sub-identifier', valueString: original });
  if (group !== undefined) parts.push({ url: 'group', valueDecimal: group });
  if (sequence !== undefined) parts.push({ url: 'sequence', valueDecimal: sequence });
  if (identifier) parts.push({ url: 'identifier', valueString: identifier });
  return parts.length ? { url: SUB_ID_EXTENSION, extension: parts } : undefined;
}

/**
 * OBX → Observation (OBX[Observation] @ 14421cd7). status from OBX-11 (see vocab/clinical.ts for
 * the R4 policy on B I N O R S U V; an empty OBX-11 is `unknown`, a code outside table 0085 is
 * refused); X and N carry a dataAbsentReason and no value (obs-6). OBX-3 code (required);
 * OBX-5 value (obx-value.ts), repetitions of a non-text value become components with OBX-3 as
 * their code; OBX-7 reference range (low/high when it reads "low-high"), OBX-8 interpretation
 * (table 0078), OBX-10 nature of abnormal test, OBX-14 (else OBR-7/8) effective, OBX-15/23/24
 * and OBX-16/25 performers, OBX-17 method, OBX-19 analysis time, OBX-20 body site, OBX-21
 * identifier (FILL). PATIENT-level OBX (no OBR yet) is an Observation on the Patient alone.
 */
export function mapObx(scope: MapScope, obx: SegmentReader, patient: MappedPatient, encounter: MappedEncounter | undefined, group: OrderGroup | undefined): MappedObservation {
  obx.get(1);
  const statusCode = obx.get(11);
  const status = statusCode ? resultStatuses[statusCode] : 'unknown';
  if (!status) throw new ConduitError('CDT_HL7_INVALID_RESULT_STATUS', `OBX-11 of segment ${obx.index + 1}`);
  const absent = absentReasons[statusCode];
  const code = toCodeableConcept(obx.field(3));
  if (!code) throw new ConduitError('CDT_HL7_REQUIRED_FIELD_MISSING', `OBX-3 of segment ${obx.index + 1}`);
  const subId = obx.peek(4);

  const extension: Extension[] = [];
  const subIdExt = subIdExtension(obx);
  if (subIdExt) extension.push(subIdExt);
  const value = absent ? undefined : mapObxValue(scope, obx);
  for (const attachment of value?.attachments ?? []) extension.push({ url: VALUE_ATTACHMENT_EXTENSION, valueAttachment: attachment });
  for (let r = 1; r <= obx.reps(10); r++) {
    const nature = toCodeableConcept(obx.field(10, r), v2Table('0080'));
    if (nature) extension.push({ url: `${EXT}observation-nature-of-abnormal-test`, valueCodeableConcept: nature });
  }
  const analysis = obx.get(19);
  const analysisTime = analysis ? scope.dates.dateTime(analysis) : undefined;
  if (analysis && !analysisTime) obx.drop(19);
  if (analysisTime) extension.push({ url: `${EXT}observation-analysis-date-time`, valueDateTime: analysisTime });

  const range = obx.get(7);
  const observed = obx.get(14);
  const effectiveDateTime = observed ? scope.dates.dateTime(observed) : undefined;
  if (observed && !effectiveDateTime) obx.drop(14);

  const performer: Reference<Practitioner | Organization>[] = [];
  for (let r = 1; r <= obx.reps(16); r++) {
    const p = practitionerFromXcn(scope, obx, 16, r);
    if (p) performer.push(p);
  }
  const director = obx.reps(25) ? practitionerFromXcn(scope, obx, 25, 1) : undefined;
  if (director) performer.push(director);
  const producer = organizationFromCwe(scope, obx.field(15));
  if (producer) performer.push(producer);
  const performingAddress = toAddress(scope, obx.field(24));
  const performing = organizationFromXon(scope, obx.field(23), { address: performingAddress });
  if (performing) performer.push(performing);
  else if (performingAddress) for (let c = 1; c <= 20; c++) if (obx.peek(24, 1, c)) obx.drop(24, 1, c);

  const key = `${code.coding?.[0]?.system ?? ''}|${code.coding?.[0]?.code ?? code.text ?? ''}|${subId}`;
  let id: string;
  if (group?.report) {
    const n = (group.seen.get(key) ?? 0) + 1;
    group.seen.set(key, n);
    id = scope.messageId('Observation', group.report.id, key, String(n));
  } else {
    id = scope.positionId('Observation', obx);
  }
  const values = value?.values ?? [];
  const observation: MappedObservation = {
    resourceType: 'Observation',
    id,
    extension,
    identifier: [eiToIdentifier(scope, obx.field(21), 'FILL')].filter((i) => i !== undefined),
    basedOn: group?.request ? [referenceTo(group.request)] : undefined,
    status,
    code,
    subject: referenceTo(patient),
    encounter: encounter ? referenceTo(encounter) : undefined,
    ...(effectiveDateTime
      ? { effectiveDateTime }
      : group?.effectivePeriod ? { effectivePeriod: group.effectivePeriod } : { effectiveDateTime: group?.effectiveDateTime }),
    performer,
    ...(values.length === 1 ? values[0] : {}),
    dataAbsentReason: absent
      ? { coding: [{ system: `${TERMINOLOGY}data-absent-reason`, code: absent }] }
      : value?.unsupported ? { coding: [{ system: `${TERMINOLOGY}data-absent-reason`, code: 'unsupported' }] } : undefined,
    interpretation: interpretations(obx),
    bodySite: toCodeableConcept(obx.field(20)),
    method: toCodeableConcept(obx.field(17)),
    referenceRange: range ? [referenceRange(range, values[0]?.valueQuantity)] : undefined,
    component: values.length > 1 ? values.map((v) => ({ code, ...v })) : undefined,
  };
  return scope.bundle.add(observation);
}

/** OBX-8 → interpretation: table 0078 codes in v3-ObservationInterpretation (InterpretationCodes), others as sent. */
function interpretations(obx: SegmentReader): Observation['interpretation'] {
  const out = [];
  for (let r = 1; r <= obx.reps(8); r++) {
    const concept = toCodeableConcept(obx.field(8, r), v2Table('0078'));
    const first = concept?.coding?.[0];
    if (first?.code && INTERPRETATION_CODES.has(first.code) && (first.system === v2Table('0078') || !first.system || /HL7/i.test(first.system))) {
      first.system = `${V3}ObservationInterpretation`;
    }
    if (concept) out.push(concept);
  }
  return out;
}

const RANGE = /^\s*([+-]?\d+(?:\.\d+)?)\s*-\s*([+-]?\d+(?:\.\d+)?)\s*$/;
const UPPER = /^\s*<=\s*(\d+(?:\.\d+)?)\s*$/;
const LOWER = /^\s*>=\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * OBX-7 → referenceRange: text always; low/high (inclusive bounds in FHIR) only when the text
 * reads "low-high", "<=x" or ">=x" — "<x" has no inclusive bound and stays text — with the
 * value's units.
 */
function referenceRange(text: string, quantity: Observation['valueQuantity']): NonNullable<Observation['referenceRange']>[number] {
  const units = quantity ? { unit: quantity.unit, system: quantity.system, code: quantity.code } : {};
  const both = RANGE.exec(text);
  if (both) return { low: { value: Number(both[1]), ...units }, high: { value: Number(both[2]), ...units }, text };
  const upper = UPPER.exec(text);
  if (upper) return { high: { value: Number(upper[1]), ...units }, text };
  const lower = LOWER.exec(text);
  if (lower) return { low: { value: Number(lower[1]), ...units }, text };
  return { text };
}
