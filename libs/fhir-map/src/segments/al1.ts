import type { AllergyIntolerance, AllergyIntoleranceReaction } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { TERMINOLOGY } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { ALLERGEN_TYPE, ALLERGY_CRITICALITY, ALLERGY_REACTION_SEVERITY } from '../vocab/clinical.ts';
import type { MappedPatient } from './pid.ts';

type Category = NonNullable<AllergyIntolerance['category']>[number];
const allergenTypes: Readonly<Record<string, { readonly category?: Category; readonly type?: AllergyIntolerance['type'] }>> = ALLERGEN_TYPE;
const criticalities: Readonly<Record<string, AllergyIntolerance['criticality']>> = ALLERGY_CRITICALITY;
const severities: Readonly<Record<string, AllergyIntoleranceReaction['severity']>> = ALLERGY_REACTION_SEVERITY;

/**
 * AL1 → AllergyIntolerance (AL1[AllergyIntolerance] @ 1d56adad): clinicalStatus active (ait-1),
 * AL1-2 → category/type (AllergenType sheets), AL1-3 → code, AL1-4 → criticality (SV, MI) and,
 * with a reaction, reaction.severity; AL1-5 repetitions → reaction.manifestation text; AL1-6 →
 * onsetDateTime. Id from patient + allergen, so the same allergy in later messages is one resource.
 */
export function mapAl1(scope: MapScope, al1: SegmentReader, patient: MappedPatient): void {
  al1.get(1);
  const typeCode = al1.get(2);
  const allergen = allergenTypes[typeCode];
  if (typeCode && !allergen) al1.drop(2);
  const code = toCodeableConcept(al1.field(3));
  const severityCode = al1.get(4);
  const manifestation = [];
  for (let r = 1; r <= al1.reps(5); r++) {
    const text = al1.get(5, r);
    if (text) manifestation.push({ text });
  }
  const criticality = criticalities[severityCode];
  const reactionSeverity = manifestation.length ? severities[severityCode] : undefined;
  if (severityCode && !criticality && !reactionSeverity) al1.drop(4);
  const onset = al1.get(6);
  const onsetDateTime = onset ? scope.dates.dateTime(onset) : undefined;
  if (onset && !onsetDateTime) al1.drop(6);
  const key = code?.coding?.[0] ? `${code.coding[0].system ?? ''}|${code.coding[0].code ?? ''}` : (code?.text ?? '');
  const allergy: AllergyIntolerance & { id: string } = {
    resourceType: 'AllergyIntolerance',
    id: key ? scope.id('AllergyIntolerance', patient.id, key) : scope.positionId('AllergyIntolerance', al1),
    clinicalStatus: { coding: [{ system: `${TERMINOLOGY}allergyintolerance-clinical`, code: 'active', display: 'Active' }] },
    type: allergen?.type,
    category: allergen?.category ? [allergen.category] : undefined,
    criticality,
    code,
    patient: referenceTo(patient),
    onsetDateTime,
    reaction: manifestation.length ? [{ manifestation, severity: reactionSeverity }] : undefined,
  };
  scope.bundle.add(allergy);
}
