import type { HumanName, Identifier, Practitioner, Reference } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table } from '../code-systems.ts';
import { toPeriod, type Place } from '../datatypes/period.ts';
import type { Hd } from '../identifier-systems.ts';
import type { MapScope } from '../map-scope.ts';
import type { Components, SegmentReader } from '../segment-reader.ts';
import { NAME_TYPE } from '../vocab/patient.ts';

/** XCN.19 effective date, XCN.20 expiration date. */
const PERIOD_START: readonly Place[] = [[19, 1]];
const PERIOD_END: readonly Place[] = [[20, 1]];

const nameTypes: Readonly<Record<string, HumanName['use']>> = NAME_TYPE;

interface PersonParts {
  readonly identifier?: Identifier;
  readonly name?: HumanName;
}

function addPractitioner(scope: MapScope, reader: SegmentReader, field: number, rep: number, parts: PersonParts): Reference<Practitioner> | undefined {
  const { identifier, name } = parts;
  if (!identifier && !name) return undefined;
  const id = identifier
    ? scope.id('Practitioner', identifier.system ?? '', identifier.value ?? '')
    : scope.positionId('Practitioner', reader, field, rep);
  const practitioner = scope.bundle.add<Practitioner & { id: string }>({
    resourceType: 'Practitioner',
    id,
    identifier: identifier ? [identifier] : undefined,
    name: name ? [name] : undefined,
  });
  return referenceTo(practitioner);
}

function identifierOf(scope: MapScope, value: string, authority: Hd, typeCode: string): Identifier | undefined {
  if (value === '') return undefined;
  const hasAuthority = authority.namespace !== '' || authority.universalId !== '';
  return {
    type: typeCode ? { coding: [{ system: v2Table('0203'), code: typeCode }] } : undefined,
    system: scope.systems.resolve(hasAuthority ? authority : undefined, typeCode),
    value,
  };
}

/**
 * XCN → Practitioner (IG XCN[Practitioner]): XCN.1 identifier with XCN.9 assigning authority
 * and XCN.13 type; XCN.2 (FN.1) family, .3/.4 given, .5, .7 and .21 suffix, .6 prefix, .10
 * name use (table 0200), .19/.20 period. Keyed by system + XCN.1, else by its place.
 */
export function practitionerFromXcn(scope: MapScope, reader: SegmentReader, field: number, rep: number, c: Components = reader.field(field, rep)): Reference<Practitioner> | undefined {
  const identifier = identifierOf(scope, c.get(1), { namespace: c.get(9, 1), universalId: c.get(9, 2), universalIdType: c.get(9, 3) }, c.get(13));
  if (!identifier) {
    for (const i of [9, 13]) for (const s of [1, 2, 3]) if (c.peek(i, s)) c.drop(i, s);
  }
  const family = c.get(2);
  const given = [c.get(3), c.get(4)].filter((g) => g !== '');
  const suffix = [c.get(5), c.get(7), c.get(21)].filter((g) => g !== '');
  const prefix = c.get(6);
  const useCode = c.get(10);
  const use = nameTypes[useCode];
  if (useCode && !use) c.drop(10);
  const hasName = family !== '' || given.length > 0 || prefix !== '' || suffix.length > 0;
  const name: HumanName | undefined = hasName
    ? { use, family: family || undefined, given: given.length ? given : undefined, prefix: prefix ? [prefix] : undefined, suffix: suffix.length ? suffix : undefined, period: toPeriod(scope, c, PERIOD_START, PERIOD_END) }
    : undefined;
  return addPractitioner(scope, reader, field, rep, { identifier, name });
}

/**
 * CNN (the first component of NDL in OBR-32..35, as subcomponents) → Practitioner
 * (IG CNN[Practitioner]): 1 id, 2 family, 3 given, 4 second given, 5 suffix, 6 prefix,
 * 7 degree, 9–11 assigning authority.
 */
export function practitionerFromCnn(scope: MapScope, reader: SegmentReader, field: number, rep: number): Reference<Practitioner> | undefined {
  const c = reader.component(field, rep, 1);
  const identifier = identifierOf(scope, c.get(1), { namespace: c.get(9), universalId: c.get(10), universalIdType: c.get(11) }, '');
  const family = c.get(2);
  const given = [c.get(3), c.get(4)].filter((g) => g !== '');
  const suffix = [c.get(5), c.get(7)].filter((g) => g !== '');
  const prefix = c.get(6);
  const hasName = family !== '' || given.length > 0 || prefix !== '' || suffix.length > 0;
  const name: HumanName | undefined = hasName
    ? { family: family || undefined, given: given.length ? given : undefined, prefix: prefix ? [prefix] : undefined, suffix: suffix.length ? suffix : undefined }
    : undefined;
  return addPractitioner(scope, reader, field, rep, { identifier, name });
}
