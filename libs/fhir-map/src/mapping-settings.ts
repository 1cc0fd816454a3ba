import { readFileSync } from 'node:fs';
import { ConduitError } from '@conduit/errors';
import { assertTimeZone } from './datatypes/dtm.ts';
import type { IdentifierSystemTable } from './identifier-systems.ts';

/** A deployment's settings for mapToCanonical (MappingContext.timeZone, .identifierSystems), checked. */
export interface MappingSettings {
  readonly timeZone: string;
  readonly identifierSystems?: IdentifierSystemTable;
}

const TABLES = ['authorities', 'facilities', 'identifierTypes'] as const;
/** What createIdentifierSystemResolver accepts as a system of its own: an absolute URI. */
const ABSOLUTE_URI = /^(https?:\/\/|urn:)\S+$/;

/**
 * identifier-systems := { ["$schema" | "$comment": string,] [authorities | facilities | identifierTypes: { key: absolute-uri }] }
 * (the shape of data/identifier-systems.json). The problems found, by JSON path; none when valid.
 */
function problemsOf(table: unknown): string[] {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) return ['/: not a JSON object'];
  const problems: string[] = [];
  for (const [key, entries] of Object.entries(table)) {
    if (key === '$schema' || key === '$comment') continue;
    if (!(TABLES as readonly string[]).includes(key)) {
      problems.push(`/${key}: unknown table (expected ${TABLES.join(', ')})`);
    } else if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      problems.push(`/${key}: not a JSON object`);
    } else {
      for (const [name, system] of Object.entries(entries)) {
        if (typeof system !== 'string' || !ABSOLUTE_URI.test(system)) problems.push(`/${key}/${name}: not an absolute URI (http://, https:// or urn:)`);
      }
    }
  }
  return problems;
}

/**
 * The mapping settings of a process, read once at start: an HL7 time without an offset is in
 * `timeZone` (an IANA zone), and `identifierSystemsFile` (JSON, as data/identifier-systems.json)
 * names systems that win over the default table. Anything wrong stops start-up:
 * CDT_CONFIG_INVALID naming the zone or the file, and why.
 */
export function loadMappingSettings(o: { readonly timeZone: string; readonly identifierSystemsFile?: string | undefined }): MappingSettings {
  try {
    assertTimeZone(o.timeZone);
  } catch {
    throw new ConduitError('CDT_CONFIG_INVALID', `time zone ${o.timeZone}: not an IANA time zone`);
  }
  const file = o.identifierSystemsFile;
  if (file === undefined) return { timeZone: o.timeZone };
  let table: unknown;
  try {
    table = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConduitError('CDT_CONFIG_INVALID', `identifier systems file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
  }
  const problems = problemsOf(table);
  if (problems.length > 0) throw new ConduitError('CDT_CONFIG_INVALID', `identifier systems file ${file}: ${problems.join('; ')}`);
  return { timeZone: o.timeZone, identifierSystems: table as IdentifierSystemTable };
}
