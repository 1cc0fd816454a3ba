import type { Identifier } from '@medplum/fhirtypes';
import { v2Table } from '../code-systems.ts';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';
import type { Hd } from '../identifier-systems.ts';

/**
 * EI → Identifier (IG EI[Identifier-Extension]): EI.1 value, EI.2–EI.4 the assigning authority.
 * `typeCode` (PLAC, FILL, PGN) goes into type, system v2-0203.
 */
export function eiToIdentifier(scope: MapScope, c: Components, typeCode?: string): Identifier | undefined {
  const value = c.get(1);
  if (value === '') return undefined;
  const authority: Hd = { namespace: c.get(2), universalId: c.get(3), universalIdType: c.get(4) };
  const hasAuthority = authority.namespace !== '' || authority.universalId !== '';
  return {
    type: typeCode ? { coding: [{ system: v2Table('0203'), code: typeCode }] } : undefined,
    system: scope.systems.resolve(hasAuthority ? authority : undefined),
    value,
  };
}
