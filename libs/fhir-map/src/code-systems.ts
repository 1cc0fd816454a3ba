import { CODING_SYSTEMS, V2_TABLE_BASE, V3_BASE } from './vocab/coding-systems.ts';

/** http://terminology.hl7.org/CodeSystem/v3- ; append the v3 code system name. */
export const V3 = V3_BASE;
export const TERMINOLOGY = 'http://terminology.hl7.org/CodeSystem/';

const HL7_TABLE = /^HL7(\d{4})$/i;
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const ABSOLUTE = /^(https?:\/\/|urn:)\S+$/;
const codingSystems: Readonly<Record<string, string>> = CODING_SYSTEMS;

/**
 * FHIR code system URI for a v2 coding system name (CWE.3/6/12, OBX-6.3). HL7 tables become
 * terminology.hl7.org v2 code systems, known external systems their canonical URI, OIDs
 * urn:oid:, and local names (L, 99zzz, ACR) stay as written: Coding.system is then a local
 * identifier, never an invented URL. Whitespace is percent-encoded, as a uri may not hold it.
 */
export function codingSystemUri(name: string): string | undefined {
  if (name === '') return undefined;
  const known = codingSystems[name.toUpperCase()];
  if (known !== undefined) return known;
  const table = HL7_TABLE.exec(name);
  if (table) return `${V2_TABLE_BASE}${table[1]}`;
  if (OID.test(name)) return `urn:oid:${name}`;
  if (ABSOLUTE.test(name)) return name;
  return encodeWhitespace(name);
}

/** The code system of an HL7-defined table, e.g. 0203 → …/v2-0203. */
export function v2Table(table: string): string {
  return `${V2_TABLE_BASE}${table}`;
}

export function encodeWhitespace(text: string): string {
  return /\s/.test(text) ? text.replace(/\s/g, (c) => encodeURIComponent(c)) : text;
}

export function isOid(text: string): boolean {
  return OID.test(text);
}
