import type { Coding, Location, Reference } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { eiToIdentifier } from '../datatypes/ei.ts';
import type { MapScope } from '../map-scope.ts';
import { subcomponentsOf, type Components } from '../segment-reader.ts';

const PHYSICAL_TYPE = 'http://terminology.hl7.org/CodeSystem/location-physical-type';

/** PL components from coarsest to finest, with their location-physical-type code. */
const LEVELS = [
  { component: 4, physicalType: 'si', display: 'Site' },
  { component: 7, physicalType: 'bu', display: 'Building' },
  { component: 8, physicalType: 'lvl', display: 'Level' },
  { component: 1, physicalType: undefined, display: undefined },
  { component: 2, physicalType: 'ro', display: 'Room' },
  { component: 3, physicalType: 'bd', display: 'Bed' },
] as const;

/**
 * PL → Location chain (IG PL[Location], PV1[Encounter] PV1-3): one Location per valued level
 * (facility, building, floor, point of care, room, bed), each `partOf` the next coarser one;
 * the finest is returned for Encounter.location. Ids derive from the path of names, so the
 * same bed in another message is the same Location. PL.9 description and PL.10 identifier go
 * on the finest Location, as does `operationalStatus` (PV1-40 bed status).
 */
export function locationFromPl(scope: MapScope, c: Components, operationalStatus?: Coding): Reference<Location> | undefined {
  const path: string[] = [];
  let parent: Reference<Location> | undefined;
  let finest: (Location & { id: string }) | undefined;
  for (const level of LEVELS) {
    const name = c.get(level.component, 1);
    const universalId = c.get(level.component, 2);
    const universalIdType = c.get(level.component, 3);
    if (name === '' && universalId === '') {
      if (universalIdType) c.drop(level.component, 3);
      continue;
    }
    path.push(`${level.component}:${name}|${universalId}`);
    const uri = universalId ? scope.systems.hdUri({ namespace: '', universalId, universalIdType }) : undefined;
    finest = scope.bundle.add<Location & { id: string }>({
      resourceType: 'Location',
      id: scope.id('Location', ...path),
      identifier: uri ? [{ system: 'urn:ietf:rfc:3986', value: uri }] : undefined,
      name: name || undefined,
      mode: 'instance',
      physicalType: level.physicalType ? { coding: [{ system: PHYSICAL_TYPE, code: level.physicalType, display: level.display }] } : undefined,
      partOf: parent,
    });
    parent = referenceTo(finest);
  }
  if (!finest) {
    for (const i of [9, 10]) if (c.peek(i)) c.drop(i);
    return undefined;
  }
  const description = c.get(9);
  if (description && !finest.description) finest.description = description;
  const identifier = eiToIdentifier(scope, subcomponentsOf(c, 10));
  if (identifier) finest.identifier = [...(finest.identifier ?? []), identifier];
  if (operationalStatus && !finest.operationalStatus) finest.operationalStatus = operationalStatus;
  return parent;
}

/** A Location known only by name (PV1-37 discharged-to location, EVN-7 event facility). */
export function locationByName(scope: MapScope, name: string): Reference<Location> | undefined {
  if (name === '') return undefined;
  const location = scope.bundle.add<Location & { id: string }>({ resourceType: 'Location', id: scope.id('Location', `name:${name}`), name, mode: 'instance' });
  return referenceTo(location);
}
