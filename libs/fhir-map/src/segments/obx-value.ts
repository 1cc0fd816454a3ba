import type { Attachment, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { ConduitError } from '@conduit/errors';
import { edToAttachment, rpToAttachment } from '../datatypes/attachment.ts';
import { toCodeableConcept, toUnits } from '../datatypes/cwe.ts';
import { parseNm } from '../datatypes/numbers.ts';
import type { MapScope } from '../map-scope.ts';
import type { Components, SegmentReader } from '../segment-reader.ts';
import { QUANTITY_COMPARATORS, VALUE_TYPES } from '../vocab/clinical.ts';

/** The value[x] choices Observation and Observation.component share. */
export type ValueX = Pick<ObservationComponent,
  'valueQuantity' | 'valueCodeableConcept' | 'valueString' | 'valueRange' | 'valueRatio' | 'valueTime' | 'valueDateTime' | 'valuePeriod'>;

export interface ObxValue {
  /** One per OBX-5 repetition (text types: one, lines joined). */
  readonly values: ValueX[];
  /** ED/RP values: R4 has no valueAttachment. */
  readonly attachments: Attachment[];
  /** OBX-5 holds a value of a type this map does not carry (dataAbsentReason `unsupported`). */
  readonly unsupported: boolean;
}

const comparators: Readonly<Record<string, Quantity['comparator']>> = QUANTITY_COMPARATORS;
const TEXT_TYPES: ReadonlySet<string> = new Set(['ST', 'TX', 'FT']);
const CODED_TYPES: ReadonlySet<string> = new Set(['CE', 'CWE', 'CNE', 'CF']);
const UNIT_TYPES: ReadonlySet<string> = new Set(['NM', 'SN', 'NR']);

/**
 * OBX-5 by OBX-2 (OBX[Observation] @ 14421cd7, OBX-5 rows): NM → valueQuantity; ST/TX/FT →
 * valueString (repetitions are lines, v2.5 §2.A.79); CE/CWE/CNE/CF → valueCodeableConcept, IS/ID
 * a code; SN → Quantity (with comparator), Range ("-"), Ratio (":" "/"), else valueString;
 * DT/DTM/TS → valueDateTime; TM → valueTime; DR → valuePeriod; NR → valueRange; ED/RP → an
 * attachment (caller puts it in the R5 valueAttachment extension). OBX-6 units (CWE[Quantity])
 * go with NM, SN and NR only. An OBX-2 outside table 0125 is refused.
 */
export function mapObxValue(scope: MapScope, obx: SegmentReader): ObxValue {
  const type = obx.get(2);
  const reps = obx.reps(5);
  const out: ObxValue = { values: [], attachments: [], unsupported: false };
  if (reps === 0) return out;
  if (type === '') return { ...out, unsupported: true };
  if (!VALUE_TYPES.has(type)) throw new ConduitError('CDT_HL7_UNKNOWN_VALUE_TYPE', `OBX-2 of segment ${obx.index + 1}`);
  if (TEXT_TYPES.has(type)) {
    const lines: string[] = [];
    for (let r = 1; r <= reps; r++) lines.push(type === 'ST' ? obx.get(5, r) : obx.text(5, r));
    const text = lines.join('\n');
    if (text.trim() !== '') out.values.push({ valueString: text });
    return out;
  }
  const units = UNIT_TYPES.has(type) ? toUnits(obx.field(6)) : {};
  for (let r = 1; r <= reps; r++) {
    const c = obx.field(5, r);
    if (type === 'ED') {
      const a = edToAttachment(c);
      if (a) out.attachments.push(a);
      continue;
    }
    if (type === 'RP') {
      const a = rpToAttachment(c);
      if (a) out.attachments.push(a);
      continue;
    }
    const value = valueOf(scope, type, c, units);
    if (value === 'unsupported') return { ...out, unsupported: true };
    if (value) out.values.push(value);
  }
  return out;
}

function valueOf(scope: MapScope, type: string, c: Components, units: Pick<Quantity, 'unit' | 'code' | 'system'>): ValueX | undefined | 'unsupported' {
  if (CODED_TYPES.has(type)) {
    const concept = toCodeableConcept(c);
    return concept ? { valueCodeableConcept: concept } : undefined;
  }
  switch (type) {
    case 'NM': {
      const text = c.get(1);
      const value = parseNm(text);
      if (value === undefined) {
        if (text) c.drop(1);
        return undefined;
      }
      return { valueQuantity: { value, ...units } };
    }
    case 'IS':
    case 'ID': {
      const code = c.get(1);
      return code ? { valueCodeableConcept: { coding: [{ code }] } } : undefined;
    }
    case 'SN':
      return snValue(c, units);
    case 'DT':
    case 'DTM':
    case 'TS': {
      const text = c.get(1);
      const valueDateTime = text ? scope.dates.dateTime(text) : undefined;
      if (text && !valueDateTime) c.drop(1);
      return valueDateTime ? { valueDateTime } : undefined;
    }
    case 'TM': {
      const text = c.get(1);
      const valueTime = text ? scope.dates.time(text) : undefined;
      if (text && !valueTime) c.drop(1);
      return valueTime ? { valueTime } : undefined;
    }
    case 'DR': {
      const startText = c.get(1, 1);
      const endText = c.get(2, 1);
      const start = startText ? scope.dates.dateTime(startText) : undefined;
      const end = endText ? scope.dates.dateTime(endText) : undefined;
      if (startText && !start) c.drop(1, 1);
      if (endText && !end) c.drop(2, 1);
      return start || end ? { valuePeriod: { start, end } } : undefined;
    }
    case 'NR': {
      const low = parseNm(c.get(1));
      const high = parseNm(c.get(2));
      if (low === undefined && c.peek(1)) c.drop(1);
      if (high === undefined && c.peek(2)) c.drop(2);
      if (low === undefined && high === undefined) return undefined;
      return { valueRange: { low: low === undefined ? undefined : { value: low, ...units }, high: high === undefined ? undefined : { value: high, ...units } } };
    }
    default:
      return 'unsupported';
  }
}

/** SN (v2.5 §2.A.71): comparator ^ num1 ^ separator/suffix ^ num2, per SN[Quantity|Range|Ratio]. */
function snValue(c: Components, units: Pick<Quantity, 'unit' | 'code' | 'system'>): ValueX | undefined {
  const comparator = c.get(1);
  const n1Text = c.get(2);
  const separator = c.get(3);
  const n2Text = c.get(4);
  if (!comparator && !n1Text && !separator && !n2Text) return undefined;
  const n1 = parseNm(n1Text);
  const n2 = parseNm(n2Text);
  const asString = (): ValueX => ({ valueString: [comparator, n1Text, separator, n2Text, units.unit ?? ''].filter((p) => p !== '').join(' ') });
  if (comparator === '<>') return asString();
  if ((separator === ':' || separator === '/') && n1 !== undefined && n2 !== undefined && !comparator) {
    return { valueRatio: { numerator: { value: n1, ...units }, denominator: { value: n2, ...units } } };
  }
  if (separator === '-' && n1 !== undefined && n2 !== undefined && !comparator) {
    return { valueRange: { low: { value: n1, ...units }, high: { value: n2, ...units } } };
  }
  if (separator === '' && n2Text === '' && n1 !== undefined && (comparator === '' || comparator === '=' || comparators[comparator])) {
    return { valueQuantity: { value: n1, comparator: comparators[comparator], ...units } };
  }
  return asString();
}
