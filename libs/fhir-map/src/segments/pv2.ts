import { v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import type { SegmentReader } from '../segment-reader.ts';
import type { MappedEncounter } from './pv1.ts';

/**
 * PV2 → the same Encounter (PV2[Encounter] @ 0af4beec): PV2-3 admit reason → reasonCode,
 * PV2-11 actual length of inpatient stay → length (days, UCUM d), PV2-25 visit priority →
 * priority (table 0217). The other PV2 fields are not mapped.
 */
export function mapPv2(pv2: SegmentReader, encounter: MappedEncounter): void {
  const reason = toCodeableConcept(pv2.field(3));
  if (reason) encounter.reasonCode = [...(encounter.reasonCode ?? []), reason];
  const days = pv2.get(11);
  if (/^\d+(\.\d+)?$/.test(days)) encounter.length = { value: Number(days), unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' };
  else if (days) pv2.drop(11);
  const priority = toCodeableConcept(pv2.field(25), v2Table('0217'));
  if (priority) encounter.priority = priority;
}
