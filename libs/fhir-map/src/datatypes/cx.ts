import type { Identifier } from '@medplum/fhirtypes';
import { v2Table } from '../code-systems.ts';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';
import { isEmptyHd, readHdSub } from './hd.ts';

const CHECK_DIGIT = 'http://hl7.org/fhir/StructureDefinition/identifier-checkDigit';

/**
 * CX → Identifier (IG CX[Identifier]): CX.1 value, CX.2 check digit extension, CX.4 assigning
 * authority → system (resolved through the identifier system table) and assigner display,
 * CX.5 → type (v2-0203), CX.7/CX.8 → period. Without CX.1 there is no identifier.
 */
export function toIdentifier(scope: MapScope, c: Components): Identifier | undefined {
  const value = c.get(1);
  if (value === '') return undefined;
  const checkDigit = c.get(2);
  const authority = readHdSub(c, 4);
  const type = c.get(5);
  const start = c.get(7);
  const end = c.get(8);
  const assigner = authority.namespace || authority.universalId;
  return {
    extension: checkDigit ? [{ url: CHECK_DIGIT, valueString: checkDigit }] : undefined,
    type: type ? { coding: [{ system: v2Table('0203'), code: type }] } : undefined,
    system: scope.systems.resolve(isEmptyHd(authority) ? undefined : authority, type),
    value,
    period: start || end ? { start: dateOrDrop(scope, c, 7, start), end: dateOrDrop(scope, c, 8, end) } : undefined,
    assigner: assigner ? { display: assigner } : undefined,
  };
}

/** A DT/DTM component as FHIR dateTime; an invalid value is dropped back into the report. */
export function dateOrDrop(scope: MapScope, c: Components, i: number, value: string, s = 1): string | undefined {
  if (value === '') return undefined;
  const out = scope.dates.dateTime(value);
  if (out === undefined) c.drop(i, s);
  return out;
}

/** Identity of a CX for deterministic ids: resolved system + value. */
export function identifierKey(identifier: Identifier): [string, string] {
  return [identifier.system ?? '', identifier.value ?? ''];
}
