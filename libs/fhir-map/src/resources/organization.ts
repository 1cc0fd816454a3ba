import type { Address, ContactPoint, Identifier, Organization, Reference } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table } from '../code-systems.ts';
import type { Hd } from '../identifier-systems.ts';
import type { MapScope } from '../map-scope.ts';
import type { Components } from '../segment-reader.ts';

/**
 * HD → Organization (IG HD[Organization], used for MSH-4/MSH-6 and CX.4 facilities): HD.1 name,
 * HD.2/HD.3 identifier (system urn:ietf:rfc:3986 for an OID/UUID/URI, else the resolved
 * system). org-1 needs a name or an identifier, so an empty HD gives no Organization.
 */
export function organizationFromHd(scope: MapScope, hd: Hd, extra: Partial<Organization> = {}): Reference<Organization> | undefined {
  if (hd.namespace === '' && hd.universalId === '') return undefined;
  const uri = hd.universalId ? scope.systems.hdUri({ namespace: '', universalId: hd.universalId, universalIdType: hd.universalIdType }) : undefined;
  const identifier: Identifier | undefined = uri ? { system: 'urn:ietf:rfc:3986', value: uri } : undefined;
  const org = scope.bundle.add<Organization & { id: string }>({
    resourceType: 'Organization',
    id: scope.id('Organization', uri ?? `name:${hd.namespace}`),
    identifier: identifier ? [identifier] : undefined,
    name: hd.namespace || undefined,
    ...extra,
  });
  return referenceTo(org);
}

/**
 * XON → Organization (IG XON[Organization]): XON.1 name, XON.10 (else XON.3) identifier with
 * XON.6 assigning authority and XON.7 type. Keyed by identifier, else by name.
 */
export function organizationFromXon(scope: MapScope, c: Components, more: { address?: Address; telecom?: ContactPoint[] } = {}): Reference<Organization> | undefined {
  const name = c.get(1);
  const idValue = c.get(10) || c.get(3);
  const authority: Hd = { namespace: c.get(6, 1), universalId: c.get(6, 2), universalIdType: c.get(6, 3) };
  const type = c.get(7);
  const hasAuthority = authority.namespace !== '' || authority.universalId !== '';
  const identifier: Identifier | undefined = idValue
    ? { type: type ? { coding: [{ system: v2Table('0203'), code: type }] } : undefined, system: scope.systems.resolve(hasAuthority ? authority : undefined, type), value: idValue }
    : undefined;
  if (!identifier) {
    if (type) c.drop(7);
    for (const s of [1, 2, 3]) if (c.peek(6, s)) c.drop(6, s);
  }
  if (!name && !identifier) return undefined;
  const org = scope.bundle.add<Organization & { id: string }>({
    resourceType: 'Organization',
    id: identifier ? scope.id('Organization', identifier.system ?? '', idValue) : scope.id('Organization', `name:${name}`),
    identifier: identifier ? [identifier] : undefined,
    name: name || undefined,
    address: more.address ? [more.address] : undefined,
    telecom: more.telecom,
  });
  return referenceTo(org);
}

/** CWE naming an organization (OBX-15 producer's ID, IG CWE[Organization]): CWE.1 identifier, CWE.2 name. */
export function organizationFromCwe(scope: MapScope, c: Components): Reference<Organization> | undefined {
  const code = c.get(1);
  const name = c.get(2);
  const systemName = c.get(3);
  if (!code && !name) {
    if (systemName) c.drop(3);
    return undefined;
  }
  const system = systemName ? scope.systems.resolve({ namespace: systemName, universalId: '', universalIdType: '' }) : undefined;
  const org = scope.bundle.add<Organization & { id: string }>({
    resourceType: 'Organization',
    id: code ? scope.id('Organization', system ?? '', code) : scope.id('Organization', `name:${name}`),
    identifier: code ? [{ system, value: code }] : undefined,
    name: name || undefined,
  });
  return referenceTo(org);
}
