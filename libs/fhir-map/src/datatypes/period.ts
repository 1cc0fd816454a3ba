import type { Element, Period } from '@medplum/fhirtypes';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';

/** A [component, subcomponent] place holding a DT/DTM. */
export type Place = readonly [number, number];

/**
 * The first valued date among `places`, as FHIR dateTime. Later valued places say the same
 * thing in an older form (XPN.10 DR vs XPN.12) and are dropped into the report, as is an
 * invalid date.
 */
export function firstDateTime(scope: MapScope, c: Components, places: readonly Place[]): string | undefined {
  let out: string | undefined;
  let taken = false;
  for (const [i, s] of places) {
    const v = c.get(i, s);
    if (v === '') continue;
    if (taken) {
      c.drop(i, s);
      continue;
    }
    taken = true;
    out = scope.dates.dateTime(v);
    if (out === undefined) c.drop(i, s);
  }
  return out;
}

export function toPeriod(scope: MapScope, c: Components, start: readonly Place[], end: readonly Place[]): Period | undefined {
  const s = firstDateTime(scope, c, start);
  const e = firstDateTime(scope, c, end);
  if (s === undefined && e === undefined) return undefined;
  // per-1: start SHALL be <= end; a reversed range keeps only its start.
  if (s !== undefined && e !== undefined && e < s && e.length === s.length) return { start: s };
  return { start: s, end: e };
}

/** FHIR JSON primitive extensions (`_family`, `_birthDate`); @medplum/fhirtypes does not declare them. */
export type WithPrimitiveExtension<T, K extends string> = T & { [P in `_${K}`]?: Element };
