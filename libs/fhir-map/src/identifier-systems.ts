import defaultTable from '../data/identifier-systems.json' with { type: 'json' };
import { isOid } from './code-systems.ts';

/** Maps assigning authorities and facilities to identifier system URIs (see data/identifier-systems.json). */
export interface IdentifierSystemTable {
  /** HD namespace id or universal id → system URI. */
  readonly authorities?: Readonly<Record<string, string>>;
  /** Sending facility (MSH-4.1) → system URI for identifiers without an assigning authority. */
  readonly facilities?: Readonly<Record<string, string>>;
  /** Identifier type code (CX.5) → system URI when no authority is given. */
  readonly identifierTypes?: Readonly<Record<string, string>>;
}

/** An HL7 HD: namespace id, universal id, universal id type. */
export interface Hd {
  readonly namespace: string;
  readonly universalId: string;
  readonly universalIdType: string;
}

export const DEFAULT_IDENTIFIER_SYSTEMS: IdentifierSystemTable = defaultTable;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ABSOLUTE_URI = /^(https?:\/\/|urn:)\S+$/;
export const FALLBACK_SYSTEM_PREFIX = 'urn:conduit:id:';

export interface IdentifierSystemResolver {
  /** System for an identifier assigned by `authority` (may be empty), of type `typeCode`. */
  resolve(authority: Hd | undefined, typeCode?: string): string | undefined;
  /** Identifier for the authority itself (Organization.identifier / logical references). */
  hdUri(hd: Hd): string | undefined;
}

/**
 * Lookup order: the deployment's table, then the default table, by namespace then universal
 * id; then the universal id itself when it is an OID (urn:oid:), UUID (urn:uuid:) or URI; then
 * `urn:conduit:id:<namespace>` (stable, documented fallback). Identifiers that name no
 * authority use the identifier type's system, else the sending facility's.
 */
export function createIdentifierSystemResolver(table: IdentifierSystemTable | undefined, sendingFacility: string): IdentifierSystemResolver {
  const tables = table ? [table, DEFAULT_IDENTIFIER_SYSTEMS] : [DEFAULT_IDENTIFIER_SYSTEMS];
  const lookup = (pick: (t: IdentifierSystemTable) => Readonly<Record<string, string>> | undefined, key: string): string | undefined => {
    if (key === '') return undefined;
    for (const t of tables) {
      const entries = pick(t);
      if (entries !== undefined && Object.hasOwn(entries, key)) return entries[key];
    }
    return undefined;
  };
  const hdUri = (hd: Hd): string | undefined => {
    const uid = hd.universalId;
    if (uid !== '') {
      const type = hd.universalIdType.toUpperCase();
      if (isOid(uid) && (type === '' || type === 'ISO' || type === 'HL7')) return `urn:oid:${uid}`;
      if (UUID.test(uid)) return `urn:uuid:${uid.toLowerCase()}`;
      if (ABSOLUTE_URI.test(uid)) return uid;
    }
    const ns = hd.namespace || uid;
    return ns === '' ? undefined : `${FALLBACK_SYSTEM_PREFIX}${encodeURIComponent(ns)}`;
  };
  return {
    resolve(authority, typeCode = '') {
      if (authority && (authority.namespace !== '' || authority.universalId !== '')) {
        return lookup((t) => t.authorities, authority.namespace) ?? lookup((t) => t.authorities, authority.universalId) ?? hdUri(authority);
      }
      const byType = lookup((t) => t.identifierTypes, typeCode);
      if (byType !== undefined) return byType;
      const byFacility = lookup((t) => t.facilities, sendingFacility);
      if (byFacility !== undefined) return byFacility;
      return sendingFacility === '' ? undefined : `${FALLBACK_SYSTEM_PREFIX}${encodeURIComponent(sendingFacility)}`;
    },
    hdUri,
  };
}

