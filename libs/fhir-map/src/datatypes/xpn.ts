import type { Extension, HumanName } from '@medplum/fhirtypes';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';
import { NAME_TYPE } from '../vocab/patient.ts';
import { toPeriod, type WithPrimitiveExtension, type Place } from './period.ts';

/** XPN.12 effective date, else XPN.10.1 (DR); XPN.13 expiration date, else XPN.10.2. */
const PERIOD_START: readonly Place[] = [[12, 1], [10, 1]];
const PERIOD_END: readonly Place[] = [[13, 1], [10, 2]];

const nameTypes: Readonly<Record<string, HumanName['use']>> = NAME_TYPE;

/** FN.2–FN.5 → HumanName.family extensions (IG FN[HumanName]). */
const FAMILY_PARTS = [
  [2, 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix'],
  [3, 'http://hl7.org/fhir/StructureDefinition/humanname-own-name'],
  [4, 'http://hl7.org/fhir/StructureDefinition/humanname-partner-prefix'],
  [5, 'http://hl7.org/fhir/StructureDefinition/humanname-partner-name'],
] as const;

/**
 * XPN → HumanName (IG XPN[HumanName]): XPN.1 family (FN), .2/.3 given, .4 and .6 and .14
 * suffix, .5 prefix, .7 use (table 0200 map), .10 (DR) or .12/.13 period. XPN.15 "called by"
 * becomes a second name with use nickname. Returns the names in that order.
 */
export function toHumanNames(scope: MapScope, c: Components): HumanName[] {
  const family = c.get(1);
  const familyExt: Extension[] = [];
  for (const [s, url] of FAMILY_PARTS) {
    const v = c.get(1, s);
    if (v) familyExt.push({ url, valueString: v });
  }
  const given = [c.get(2), c.get(3)].filter((g) => g !== '');
  const suffix = [c.get(4), c.get(6), c.get(14)].filter((g) => g !== '');
  const prefix = c.get(5);
  const typeCode = c.get(7);
  const use = nameTypes[typeCode];
  if (typeCode && !use) c.drop(7);
  const period = toPeriod(scope, c, PERIOD_START, PERIOD_END);
  const names: WithPrimitiveExtension<HumanName, 'family'>[] = [];
  if (family || familyExt.length || given.length || suffix.length || prefix) {
    names.push({
      use,
      family: family || undefined,
      _family: familyExt.length ? { extension: familyExt } : undefined,
      given: given.length ? given : undefined,
      prefix: prefix ? [prefix] : undefined,
      suffix: suffix.length ? suffix : undefined,
      period,
    });
  } else if (typeCode) {
    c.drop(7);
  }
  const calledBy = c.get(15);
  if (calledBy) names.push({ use: 'nickname', given: [calledBy] });
  return names;
}
