import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Bundle } from '@medplum/fhirtypes';
import type { CanonicalEvent, ProjectedEvent } from '@conduit/events';
import type { SubscriberContract } from './contract.ts';
import { loadElementIndex, type ElementDef } from './element-index.ts';
import { checkAllowPath } from './allow-paths.ts';
import { createProjector } from './projector.ts';
import { projectPrepared } from './project-event.ts';
import { prepareEvent } from './prepare-event.ts';
import { createDomainTokens } from './domain-tokens.ts';
import { loadSensitivityRules } from './sensitivity.ts';
import { AGE_CATEGORY_EXTENSION_URL } from './safe-harbor.ts';
import { testKeys } from './test-fixtures.ts';

/**
 * Random canonical bundles (resources of several types with nested elements, identifiers,
 * extensions, modifier extensions, references, contained resources, security labels, ill-shaped
 * values and unknown keys) against random contracts. Every raw value that must never leave carries a
 * marker, so a leak is a substring search.
 */

type Json = Record<string, unknown>;
type Gen = fc.GeneratorValue;

/** Shrinking a generated bundle can take minutes; report the counterexample found so far instead. */
const SHRINK_BUDGET = { interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true } as const;

const elements = loadElementIndex();
const sensitivity = loadSensitivityRules();
const POOL = ['Patient', 'Encounter', 'Observation', 'DiagnosticReport', 'Condition', 'AllergyIntolerance', 'Practitioner', 'Location', 'Coverage'] as const;
const NEVER_KEYS = new Set(['extension', 'modifierExtension', 'contained']);
const DATES = ['1930-05-06', '1962-03-20', '2001-07'];
const DATETIMES = ['2026-11-22T08:30:00Z', '2025-02-14T10:00:00-05:00', '2024-06-01'];
const CODINGS = [
  { system: 'http://loinc.org', code: '2345-7' },
  { system: 'http://loinc.org', code: '19295-5' },
  { system: 'http://loinc.org', code: '75622-1' },
  { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.1' },
  { system: 'http://snomed.info/sct', code: '38341003' },
];
const LABELS = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'ETH' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HIV' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' },
];

interface World {
  readonly refs: readonly string[];
  readonly identifierValues: string[];
}

function marker(g: Gen, prefix: string): string {
  return `${prefix}${g(fc.stringMatching, /^[A-Za-z0-9]{10}$/)}`;
}

function primitive(g: Gen, type: string): unknown {
  // Now and then a value of the wrong shape: the projection must drop it, not pass it through.
  if (g(fc.integer, { min: 0, max: 30 }) === 0) return { rawJunk: marker(g, 'RAWJUNK') };
  switch (type) {
    case 'boolean':
      return g(fc.boolean);
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt':
    case 'decimal':
      return g(fc.integer, { min: 0, max: 130 });
    case 'date':
      return g(fc.constantFrom, ...DATES);
    case 'dateTime':
    case 'instant':
      return g(fc.constantFrom, ...DATETIMES);
    case 'time':
      return '08:30:00';
    case 'canonical':
      // Canonical URLs name definitions (profiles, questionnaires), not people: Safe Harbor keeps them.
      return 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
    case 'code':
      return g(fc.constantFrom, 'final', 'female', 'active', 'a', 'official');
    case 'string':
    case 'markdown':
    case 'xhtml':
      return marker(g, 'RAWTEXT');
    default:
      return `urn:raw:${marker(g, 'RAWURI')}`;
  }
}

function identifier(g: Gen, world: World): Json {
  const value = marker(g, 'RAWID');
  world.identifierValues.push(value);
  return {
    value,
    ...(g(fc.boolean) ? { system: `urn:sys:${g(fc.constantFrom, 'mrn', 'ssn')}` } : {}),
    ...(g(fc.boolean) ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: g(fc.constantFrom, 'MR', 'SS', 'VN') }] } } : {}),
    ...(g(fc.boolean) ? { assigner: { display: marker(g, 'RAWDISPLAY') } } : {}),
    ...(g(fc.boolean) ? { extension: [{ url: 'http://ext', valueString: marker(g, 'RAWEXT') }] } : {}),
  };
}

function value(g: Gen, type: string, depth: number, world: World): unknown {
  if (elements.isPrimitiveType(type)) return primitive(g, type);
  if (type === 'Identifier') return identifier(g, world);
  if (type === 'Reference') {
    return {
      reference: g(fc.constantFrom, ...world.refs, '#contained-1', 'Basic/RAWRESexternal1', 'https://ehr.example/fhir/Patient/RAWRESexternal2', 'not a reference'),
      ...(g(fc.boolean) ? { display: marker(g, 'RAWDISPLAY') } : {}),
      ...(g(fc.boolean) ? { identifier: identifier(g, world) } : {}),
      ...(g(fc.boolean) ? { type: g(fc.constantFrom, ...POOL) } : {}),
    };
  }
  if (type === 'Coding') return { ...g(fc.constantFrom, ...CODINGS), ...(g(fc.boolean) ? { display: marker(g, 'RAWTEXT') } : {}) };
  if (type === 'Extension') return { url: 'http://ext', valueString: marker(g, 'RAWEXT') };
  if (type === 'Resource') return { resourceType: 'Patient', id: 'RAWCONTAINED', name: [{ family: marker(g, 'RAWCONTAINED') }] };
  return complex(g, type, depth, world);
}

function complex(g: Gen, type: string, depth: number, world: World): Json {
  const out: Json = {};
  if (depth > 3) return out;
  for (const el of elements.elementsOf(type) ?? []) {
    if (!g(fc.boolean) || (depth > 0 && !g(fc.boolean))) continue;
    const t = g(fc.constantFrom, ...el.types);
    const key = el.isChoice ? `${el.name.slice(0, -3)}${t.charAt(0).toUpperCase()}${t.slice(1)}` : el.name;
    if (el.name === 'modifierExtension' && g(fc.integer, { min: 0, max: 4 }) > 0) continue;
    // A `system` names a code system or unit system, never a person: Safe Harbor keeps it.
    const one = () => (el.name === 'system' ? 'http://unitsofmeasure.org' : value(g, t, depth + 1, world));
    out[key] = el.isArray && g(fc.integer, { min: 0, max: 8 }) > 0 ? [one(), ...(g(fc.boolean) ? [one()] : [])] : one();
    if (g(fc.integer, { min: 0, max: 10 }) === 0) out[`_${key}`] = { extension: [{ url: 'http://ext', valueString: marker(g, 'RAWEXT') }] };
  }
  if (g(fc.integer, { min: 0, max: 5 }) === 0) out['rawJunk'] = { nested: marker(g, 'RAWJUNK') };
  return out;
}

function canonicalEvent(g: Gen): { event: CanonicalEvent; world: World } {
  const types = g(fc.array, fc.constantFrom(...POOL), { minLength: 1, maxLength: 6 });
  const ids = types.map((_, i) => `RAWRES${i}x${marker(g, '')}`);
  const refs = types.flatMap((t, i) => [`${t}/${ids[i]}`, `urn:uuid:RAWRES-url-${ids[i]}`]);
  const world: World = { refs, identifierValues: [] };
  const entry = types.map((resourceType, i) => {
    const body = complex(g, resourceType, 0, world);
    if (g(fc.integer, { min: 0, max: 3 }) === 0) body['meta'] = { security: [g(fc.constantFrom, ...LABELS)], lastUpdated: '2026-11-22T08:30:00Z' };
    return { fullUrl: `urn:uuid:RAWRES-url-${ids[i]}`, resource: { ...body, resourceType, id: ids[i] } };
  });
  const event: CanonicalEvent = {
    eventId: 'evt-prop',
    eventType: 'result-reported',
    messageType: 'ORU^R01',
    source: { application: 'LAB', facility: 'GOODHEALTH', listener: 'mllp' },
    occurredAt: '2026-11-22T08:30:00Z',
    receivedAt: '2026-11-22T08:30:01.000Z',
    patientKey: 'RAWKEY-patient',
    rawEventId: 'evt-prop',
    bundle: { resourceType: 'Bundle', type: 'collection', entry } as unknown as Bundle,
  };
  return { event, world };
}

function randomContract(g: Gen, id: string): SubscriberContract {
  const allow: Record<string, string[]> = {};
  for (const type of g(fc.subarray, [...POOL], { minLength: 1 })) {
    const defs = (elements.elementsOf(type) ?? []).filter((el) => !['id', 'extension', 'modifierExtension', 'contained'].includes(el.name));
    const paths = g(fc.subarray, defs.map((el) => el.name));
    // Sometimes a nested path: a child of a backbone or data type element.
    const nested = defs.filter((el) => !el.isChoice && el.types.length === 1 && !elements.isPrimitiveType(el.types[0] ?? '') && !['Identifier', 'Reference'].includes(el.types[0] ?? ''));
    if (nested.length > 0 && g(fc.boolean)) {
      const parent = g(fc.constantFrom, ...nested) as ElementDef;
      const children = (elements.elementsOf(parent.types[0] ?? '') ?? []).map((c) => `${parent.name}.${c.name}`).filter((p) => checkAllowPath(elements, type, p) === undefined);
      if (children.length > 0) paths.push(g(fc.constantFrom, ...children));
    }
    if (paths.length > 0) allow[type] = [...new Set(paths)];
  }
  if (Object.keys(allow).length === 0) allow['Patient'] = ['gender'];
  const safeHarbor = g(fc.boolean);
  return {
    id,
    version: '1',
    owner: 'property test',
    purposeOfUse: safeHarbor ? 'HRESCH' : 'TREAT',
    events: {},
    projection: {
      allow,
      deidentification: safeHarbor ? 'safe-harbor' : 'none',
      identifiers: g(fc.constantFrom, 'tokenize', 'remove'),
      ...(!safeHarbor && g(fc.boolean) ? { tokenize: { formatPreserving: true } } : {}),
      ...(g(fc.boolean) ? { sensitiveCategories: g(fc.subarray, ['substance-use', 'hiv-sti', 'behavioral-health']) } : {}),
    },
    channels: {},
  };
}

/** Walks a delivered element against the FHIR type and the allowlist; returns every violation. */
function violations(v: unknown, type: string, allowed: readonly string[] | 'all', path: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) violations(item, type, allowed, path, out);
    return;
  }
  if (elements.isPrimitiveType(type)) {
    if (typeof v === 'object') out.push(`${path}: an object where a ${type} belongs`);
    return;
  }
  if (typeof v !== 'object' || v === null) return void out.push(`${path}: a primitive where a ${type} belongs`);
  const only = type === 'Identifier' ? ['use', 'type', 'system', 'value'] : type === 'Reference' ? ['reference', 'type', 'identifier'] : undefined;
  for (const [key, child] of Object.entries(v)) {
    const here = `${path}.${key}`;
    if (NEVER_KEYS.has(key) || key.startsWith('_') || key === 'id') {
      out.push(`${here}: never delivered`);
      continue;
    }
    if (only && !only.includes(key)) out.push(`${here}: not part of a projected ${type}`);
    const resolved = elements.resolveSegment(type, key);
    if (!resolved) {
      out.push(`${here}: not an element of ${type}`);
      continue;
    }
    let sub: readonly string[] | 'all' = 'all';
    if (allowed !== 'all') {
      const matching = allowed.filter((p) => {
        const first = p.split('.')[0];
        return first === key || first === resolved.element.name;
      });
      if (matching.length === 0) {
        out.push(`${here}: not in the allowlist`);
        continue;
      }
      sub = matching.some((p) => !p.includes('.')) ? 'all' : matching.map((p) => p.slice(p.indexOf('.') + 1));
    }
    violations(child, resolved.choiceType ?? resolved.element.types[0] ?? '', sub, here, out);
  }
}

function stringsOf(v: unknown, key: string, out: { key: string; value: string }[]): void {
  if (typeof v === 'string') out.push({ key, value: v });
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, key, out);
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) stringsOf(x, k, out);
}

function check(event: CanonicalEvent, world: World, contract: SubscriberContract, projected: ProjectedEvent | null): void {
  const allowedCategories = new Set(contract.projection.sensitiveCategories ?? []);
  const sources = (event.bundle.entry ?? []).map((e) => e.resource as unknown as Json);
  const patientWithheld = sources.some((r) => r['resourceType'] === 'Patient' && sensitivity.classify(r).some((c) => !allowedCategories.has(c)));
  assert.equal(projected === null, patientWithheld, 'the whole event is withheld exactly when its Patient is');
  if (!projected) return;
  const safeHarbor = contract.projection.deidentification === 'safe-harbor';
  const json = JSON.stringify(projected);
  for (const raw of world.identifierValues) assert.equal(json.includes(raw), false, 'a raw identifier value left');
  for (const m of ['RAWRES', 'RAWDISPLAY', 'RAWEXT', 'RAWCONTAINED', 'RAWJUNK', 'RAWKEY', 'rawJunk']) assert.equal(json.includes(m), false, `${m} left`);

  const problems: string[] = [];
  for (const entry of projected.bundle.entry ?? []) {
    const r = entry.resource as unknown as Json;
    const type = String(r['resourceType']);
    const allowed = contract.projection.allow[type];
    assert.ok(allowed, `${type} is not allowlisted`);
    const rest: Json = { ...r };
    const extension = rest['extension'];
    for (const k of ['resourceType', 'id', 'extension']) delete rest[k];
    if (extension !== undefined) assert.deepEqual(extension, [{ url: AGE_CATEGORY_EXTENSION_URL, valueString: '90+' }]);
    violations(rest, type, allowed, type, problems);
    for (const c of sensitivity.classify(r)) assert.ok(contract.projection.sensitiveCategories?.includes(c), `${c} delivered`);
    if (safeHarbor) {
      const strings: { key: string; value: string }[] = [];
      stringsOf(rest, type, strings);
      for (const s of strings) {
        if (s.value.includes('RAWTEXT')) assert.ok(['unit', 'state', 'country', 'version'].includes(s.key), `free text left in ${s.key}`);
        if (s.key !== 'reference' && s.key !== 'value') assert.doesNotMatch(s.value, /^\d{4}-\d{2}|T\d{2}:/, `a date beyond its year in ${s.key}`);
      }
      assert.equal(json.includes('"identifier"') && contract.projection.identifiers !== 'tokenize', false, 'identifiers left');
    }
  }
  assert.deepEqual(problems, []);

  const expected = sources.filter((r) => {
    if (!contract.projection.allow[String(r['resourceType'])]) return false;
    if (Array.isArray(r['modifierExtension']) && r['modifierExtension'].length > 0) return false;
    return sensitivity.classify(r).every((c) => allowedCategories.has(c));
  });
  assert.equal(projected.bundle.entry?.length, expected.length, 'delivered resources');
}

test('property: random bundles × random contracts never leak an element outside the allowlist or a raw identifier', () => {
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const { event, world } = canonicalEvent(g);
      const a = randomContract(g, 'sub-a');
      const b = randomContract(g, 'sub-b');
      const projector = createProjector({ contracts: [a, b], keys: testKeys });
      const prepared = prepareEvent(event, sensitivity);
      check(event, world, a, projectPrepared(prepared, projector.plans[0]!, createDomainTokens(testKeys, 'sub-a')));
      check(event, world, b, projectPrepared(prepared, projector.plans[1]!, createDomainTokens(testKeys, 'sub-b')));
    }),
    { numRuns: 300, ...SHRINK_BUDGET },
  );
});

test('property: a Safe Harbor projection holds no seeded identifier of any kind, whatever the contract lists', () => {
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const { event, world } = canonicalEvent(g);
      const listed: Record<string, string[]> = {};
      for (const type of POOL) listed[type] = (elements.elementsOf(type) ?? []).map((e) => e.name).filter((n) => !['id', 'extension', 'modifierExtension', 'contained'].includes(n));
      const contract: SubscriberContract = {
        id: 'everything-safe-harbor', version: '1', owner: 'p', purposeOfUse: 'HRESCH', events: {}, channels: {},
        projection: { allow: listed, deidentification: 'safe-harbor', sensitiveCategories: ['substance-use', 'hiv-sti', 'behavioral-health'] },
      };
      const [plan] = createProjector({ contracts: [contract], keys: testKeys }).plans;
      const p = projectPrepared(prepareEvent(event, sensitivity), plan!, createDomainTokens(testKeys, contract.id));
      check(event, world, contract, p);
      const json = JSON.stringify(p);
      for (const fragment of ['RAWURI', '08:30:00']) assert.equal(json.includes(fragment), false, `${fragment} left`);
    }),
    { numRuns: 150, ...SHRINK_BUDGET },
  );
});
