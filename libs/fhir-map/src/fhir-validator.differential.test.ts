import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { parseHl7, parseHl7Batch } from '@conduit/hl7v2';
import { generateNormalizeWorkload } from '../../../scripts/bench/normalize.ts';
import { createResourceValidator, type FhirIssue, type FhirValidator } from './fhir-validator.ts';
import { mapToCanonical } from './map-message.ts';
import { readR4Definitions } from './structure-definitions.ts';
import { CORPUS_DIR, readCorpus, TEST_CONTEXT } from './test-fixtures.ts';

/*
 * @medplum/core's validateResource is the reference: on every bundle mapped from the corpus and
 * from the bench workload both find no error, and on fast-check mutations of those resources both
 * find errors at the same places. "The same places": every invariant failure (path and key) and
 * every processing error alike; a structural error of one at a path where the other has one at
 * the same path, or above it (medplum reports a string given for a Narrative as its missing
 * `status` and `div`; this validator as the one wrong value). Where this validator is stricter by
 * design (fhir-validator.ts, Walk), its extra errors are listed by `stricter` below.
 */

const definitions = readR4Definitions();
indexStructureDefinitionBundle([...definitions.datatypes, ...definitions.resources]);
const ours = createResourceValidator();
const fhirPathOnly = createResourceValidator({ proofs: false });

/**
 * medplum's issues on the JSON that would be published (this validator's FHIRPath judges that
 * too): a copy, for medplum merges `_x` extensions into the values it validates. It has no verdict
 * where that merge throws (`_id: [{…}]` beside a string, `_x` that is no object) or it stops at a
 * resource without a type (Unknown data type: Resource).
 */
function medplum(resource: Resource): OperationOutcomeIssue[] | undefined {
  try {
    return validateResource(JSON.parse(JSON.stringify(resource)) as Resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      const issues = err.outcome.issue ?? [];
      return issues.some((i) => i.details?.text?.startsWith('Unknown data type')) ? undefined : issues;
    }
    if (err instanceof TypeError || (err as Error).message === 'Primitive extension must be an object') return undefined;
    throw err;
  }
}

/**
 * medplum on a whole bundle checks each entry's resource against its type but not that type's own
 * invariants (dom-*, obs-*), which it checks on a resource validated alone: a bundle is both.
 */
function reference(resource: Resource): OperationOutcomeIssue[] | undefined {
  const whole = medplum(resource);
  if (resource.resourceType !== 'Bundle' || whole === undefined) return whole;
  // Cardinality issues name the element's definition (Observation.performer): those of entries come from the entries below.
  const out = whole.filter((i) => (i.expression?.[0] ?? 'Bundle').startsWith('Bundle'));
  for (const [i, entry] of (Array.isArray(resource.entry) ? resource.entry : []).entries()) {
    const nested = entry?.resource as Resource | undefined;
    if (!nested || typeof nested !== 'object' || typeof nested.resourceType !== 'string') continue;
    const issues = medplum(nested);
    if (issues === undefined) return undefined;
    for (const issue of issues) {
      const path = issue.expression?.[0] ?? '';
      const rest = path.startsWith(nested.resourceType) ? path.slice(nested.resourceType.length) : `.${path}`;
      out.push({ ...issue, expression: [`Bundle.entry[${i}].resource${rest}`] });
    }
  }
  return out;
}

interface Finding {
  readonly kind: 'invariant' | 'processing' | 'structural';
  readonly path: string;
  /** Ours: the issue code. */
  readonly code?: FhirIssue['code'];
  readonly constraint?: string;
  /** medplum's cardinality issue: the element's path, without indexes. */
  readonly withoutIndexes?: boolean;
}

function medplumFinding(i: OperationOutcomeIssue): Finding | undefined {
  if (i.severity !== 'error') return undefined;
  const path = i.expression?.[0] ?? '';
  const text = i.details?.text ?? '';
  const constraint = /^Constraint (\S+) not met/.exec(text)?.[1];
  if (constraint) return { kind: 'invariant', path, constraint };
  if (i.code === 'processing') return { kind: 'processing', path };
  // These name the element as medplum walks it: without indexes (Patient.contact.name).
  const withoutIndexes = ['Invalid number of values', 'Expected array of values', 'Expected single value', 'Invalid empty value'].some((t) => text.startsWith(t));
  return { kind: 'structural', path, withoutIndexes };
}

function ourFinding(i: FhirIssue): Finding | undefined {
  if (i.severity !== 'error') return undefined;
  if (i.code === 'invariant') return { kind: 'invariant', path: i.path, constraint: i.constraint! };
  if (i.code === 'processing') return { kind: 'processing', path: i.path };
  return { kind: 'structural', path: i.path, code: i.code };
}

const withoutIndexes = (path: string) => path.replace(/\[\d+\]/g, '');
/**
 * One step of a path. medplum names a choice's step `value[x]` where this validator says
 * `valueQuantity`, and reports `_name` (which it merges into `name`) as `name`.
 */
const sameStep = (a: string, b: string) => {
  const [x, xi] = splitStep(a);
  const [y, yi] = splitStep(b);
  return xi === yi && sameName(x, y);
};
const sameName = (x: string, y: string) => x === y || choiceOf(x, y) || choiceOf(y, x);
/** name (without `_`) and indexes: `_given[1]` → given, [1]; `value[x][0]` → value[x], [0]. */
const splitStep = (step: string): [string, string] => {
  const m = /^_?(.*?(?:\[x\])?)((?:\[\d+\])*)$/.exec(step)!;
  return [m[1]!, m[2]!];
};
const choiceOf = (choice: string, step: string) => choice.endsWith('[x]') && step.startsWith(choice.slice(0, -3)) && /^[A-Z]/.test(step.slice(choice.length - 3));
/** `inner` is `outer` or a value inside it. */
function within(inner: string, outer: string): boolean {
  const i = inner.split('.');
  const o = outer.split('.');
  // The last step of `outer` may name the whole array of which `inner` is one item.
  return o.length <= i.length && o.every((step, k) => sameStep(step, i[k]!) || (k === o.length - 1 && splitStep(step)[1] === '' && sameName(splitStep(i[k]!)[0], splitStep(step)[0])));
}
const samePath = (a: string, b: string) => a.split('.').length === b.split('.').length && within(a, b) && within(b, a);
const covers = (m: Finding, o: Finding) => {
  const [a, b] = m.withoutIndexes ? [withoutIndexes(m.path), withoutIndexes(o.path)] : [m.path, o.path];
  return within(a, b) || within(b, a);
};

/**
 * The JSON value at a FHIRPath of this validator's form (Bundle.entry[2].resource.name[0]); past a
 * primitive, in its `_name` (and at it, with `container`).
 */
function valueAt(root: unknown, path: string, container = false): unknown {
  let value = root;
  const steps = path.split('.').slice(1);
  steps.forEach((step, k) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(step);
    const o = value as Record<string, unknown> | undefined;
    if (!m || typeof o !== 'object' || o === null) return (value = undefined);
    const into = (v: unknown) => {
      let x = v;
      for (const index of m[2]!.match(/\d+/g) ?? []) x = (x as unknown[] | undefined)?.[Number(index)];
      return x;
    };
    value = into(o[m[1]!]);
    if ((container || k < steps.length - 1) && (typeof value !== 'object' || value === null)) value = into(o[`_${m[1]!}`]);
  });
  return value;
}

/** '', [] or an object with nothing set (`{ reference: undefined }` is `{}` in JSON). */
const isEmptyValue = (v: unknown) => v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === undefined));

/**
 * This validator's errors that medplum does not raise, by design: an empty value, a key no type
 * declares that medplum's choice-prefix rule lets pass (valueFoo beside valueQuantity), `_x`
 * beside an element that is no primitive, a second type of one choice (medplum warns), a
 * Resource.id not of the id format, a time without a zone, a resource whose resourceType is no
 * string (medplum looks `["Patient"]` up as Patient), a JSON primitive given for a complex type
 * (medplum then checks only that the type has no required element), an object given for a
 * primitive (medplum takes it for the primitive's id and extensions), an element with `_name`
 * beside it (medplum takes a primitive whose `_name` is empty for no value, skips one that is
 * falsy, and takes `_name` alone for a complex `name`).
 */
function stricter(o: Finding, root: unknown, warnings: readonly OperationOutcomeIssue[]): boolean {
  const value = valueAt(root, o.path);
  const last = o.path.slice(o.path.lastIndexOf('.') + 1);
  if (isEmptyValue(value) || last === 'valueFoo' || last.startsWith('_')) return true;
  if (typeof value === 'object' && value !== null && 'resourceType' in value && typeof value.resourceType !== 'string') return true;
  if (o.code === 'structure' && (typeof value !== 'object' || value === null)) return true;
  if (o.code === 'value' && typeof value === 'object' && value !== null) return true;
  const parent = valueAt(root, o.path.slice(0, o.path.lastIndexOf('.')), true);
  const name = last.replace(/\[\d+\]$/, '').replace(/\[x\]$/, '');
  if ((o.code === 'value' || o.code === 'required') && typeof parent === 'object' && parent !== null && Object.keys(parent).some((k) => k.startsWith(`_${name}`))) return true;
  if (warnings.some((w) => w.details?.text?.startsWith('Conflicting choice') && w.expression?.[0] === last)) return true;
  if (last === 'id' && typeof value === 'string' && !/^[A-Za-z0-9\-.]{1,64}$/.test(value) && typeof parent === 'object' && parent !== null && 'resourceType' in parent) return true;
  return typeof value === 'string' && /T\d\d(:\d\d:\d\d(\.\d+)?)?$/.test(value);
}

/** Compares both on one resource; false when medplum has no verdict on it. */
function assertSameFindings(resource: Resource, label: string): boolean {
  const theirs = reference(resource);
  if (theirs === undefined) return false;
  const mine = ours.validate(resource);
  const m = theirs.map(medplumFinding).filter((f) => f !== undefined);
  const o = mine.map(ourFinding).filter((f) => f !== undefined);
  const ms = m.filter((f) => f.kind === 'structural');
  const os = o.filter((f) => f.kind === 'structural');
  // Inside a value refused whole (an object given for a primitive), medplum goes on and this validator does not.
  const refusedWhole = (f: Finding) => os.some((g) => !samePath(f.path, g.path) && within(f.path, g.path));
  for (const kind of ['invariant', 'processing'] as const) {
    const [mk, ok] = [m, o].map((fs) => fs.filter((f) => f.kind === kind && !refusedWhole(f))) as [Finding[], Finding[]];
    // medplum's processing issue does not name the invariant.
    const same = (a: Finding, b: Finding) => (kind === 'processing' || a.constraint === b.constraint) && samePath(a.path, b.path);
    for (const f of mk) assert.ok(ok.some((g) => same(f, g)), `${label}: medplum's ${kind} ${f.path} ${f.constraint ?? ''} is not ours: ${JSON.stringify(ok)}`);
    for (const g of ok) assert.ok(mk.some((f) => same(f, g)), `${label}: our ${kind} ${g.path} ${g.constraint ?? ''} is not medplum's: ${JSON.stringify(mk)}`);
  }
  for (const f of ms) assert.ok(os.some((g) => covers(f, g)), `${label}: medplum's error at ${f.path} has none of ours at or above it: ${JSON.stringify(os)}`);
  const warnings = theirs.filter((i) => i.severity === 'warning');
  for (const g of os) assert.ok(m.some((f) => covers(f, g)) || stricter(g, resource, warnings), `${label}: our error at ${g.path} has none of medplum's at or below it: ${JSON.stringify(m)}`);
  return true;
}

const unvalidated: FhirValidator = { resourceTypes: [], validateBundle: () => [] };

function corpusBundles(): Bundle[] {
  const out: Bundle[] = [];
  for (const file of readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7')).sort()) {
    let batch;
    try {
      batch = parseHl7Batch(readCorpus(file));
    } catch {
      continue;
    }
    for (const message of batch.messages) {
      try {
        out.push(mapToCanonical(message, { ...TEST_CONTEXT, validator: unvalidated }).bundle);
      } catch {
        // Messages the mapping refuses (corpus.test.ts lists them) have no bundle to validate.
      }
    }
  }
  return out;
}

const benchBundles = generateNormalizeWorkload(7, 150).map((text, i) => mapToCanonical(parseHl7(text), { ...TEST_CONTEXT, eventId: `bench-${i}`, validator: unvalidated }).bundle);
/** As published: JSON, where no two elements are one object (the mapper shares some, such as an Observation's code and its components'). */
const bundles = [...corpusBundles(), ...benchBundles].map((b) => JSON.parse(JSON.stringify(b)) as Bundle);
/** Each bundle's envelope (the Bundle with its MessageHeader entry, for the bdl-* invariants) and each entry's resource. */
const resources: Resource[] = bundles.flatMap((b) => [{ ...b, entry: b.entry?.slice(0, 1) } as Resource, ...(b.entry ?? []).map((e) => e.resource!)]);

test('every bundle mapped from the corpus and from the bench workload is valid to both validators, without FHIRPath', () => {
  assert.ok(bundles.length >= 170, `${bundles.length} bundles`);
  for (const bundle of bundles) {
    assert.deepEqual(ours.validate(bundle).filter((i) => i.severity === 'error'), [], `${bundle.id}`);
    assert.deepEqual(reference(bundle)?.filter((i) => i.severity === 'error'), [], `${bundle.id} (medplum)`);
  }
  assert.equal(ours.fhirPathLoaded, false, 'every invariant of a mapped bundle is proven without FHIRPath');
});

/** Paths to every value in a JSON tree: ['name', 0, 'given', 1]. */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

type Mutation = (parent: Record<string | number, unknown>, key: string | number) => void;

const BAD_VALUES: readonly unknown[] = [
  '', ' ', 'not a date', '2026-02-30', '2026-11-22T10:00:00', '2026-11-22T25:00:00Z', 'a  b', '1.5.x', 'urn:uuid:NOT-A-UUID', 'x'.repeat(65),
  12.5, -1, 0, 3e9, Number.NaN, true, {}, [], [{}], { foo: 1 }, [''],
];

/** Ways real mapping bugs break a resource: drop, retype, add, wrap, duplicate, empty, or break an invariant. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // JSON has no holes: an array element is removed, not deleted.
  fc.constant<Mutation>((p, k) => void (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])),
  fc.constantFrom(...BAD_VALUES).map((bad): Mutation => (p, k) => void (p[k] = structuredClone(bad))),
  fc.constantFrom('foo', 'valueFoo', 'valueString', 'extension', 'contained', 'text', 'low', 'code', 'component', 'dataAbsentReason').map((name): Mutation => (p, k) => {
    const target = p[k];
    if (!target || typeof target !== 'object' || Array.isArray(target)) return;
    const value = name === 'extension'
      ? [{ url: 'http://x', valueString: 'x', extension: [{ url: 'y', valueBoolean: true }] }]
      : name === 'component' ? [{ code: { text: 'x' }, valueString: 'y' }] : name === 'dataAbsentReason' ? { text: 'x' } : 'x';
    (target as Record<string, unknown>)[name] = value;
  }),
  // A primitive extension beside the value (medplum throws on one that is not an object).
  fc.constantFrom<unknown>({ id: 'a' }, {}, { extension: [{ url: 'http://x', valueString: 'x' }] }, [{ id: 'a' }]).map((ext): Mutation => (p, k) => {
    if (!Array.isArray(p) && typeof k === 'string') p[`_${k}`] = structuredClone(ext);
  }),
  fc.constant<Mutation>((p, k) => void (p[k] = Array.isArray(p[k]) ? (p[k] as unknown[])[0] : [p[k]])),
  fc.constant<Mutation>((p, k) => void (p[k] = Array.isArray(p[k]) ? [...(p[k] as unknown[]), ...(p[k] as unknown[])] : p[k])),
);

function mutated(ri: number, pi: number, mutations: readonly Mutation[]): Resource {
  const r = structuredClone(resources[ri]!) as unknown as Record<string | number, unknown>;
  for (const mutate of mutations) {
    const all = paths(r).filter((p) => p[0] !== 'resourceType');
    if (all.length === 0) break;
    const path = all[pi % all.length]!;
    let parent: Record<string | number, unknown> = r;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    mutate(parent, path.at(-1)!);
  }
  return r as unknown as Resource;
}

const RUNS = Number(process.env['CONDUIT_FUZZ_RUNS'] ?? 1500);
const SEED = process.env['CONDUIT_FUZZ_RUNS'] ? {} : { seed: 20261123 };

test('fast-check: on mutated resources both validators find errors at the same places', () => {
  let failing = 0;
  let compared = 0;
  fc.assert(
    fc.property(fc.nat(resources.length - 1), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (ri, pi, mutations) => {
      const resource = mutated(ri, pi, mutations);
      if (!assertSameFindings(resource, JSON.stringify(resource).slice(0, 300))) return;
      compared++;
      if (ours.validate(resource).some((i) => i.severity === 'error')) failing++;
    }),
    { numRuns: RUNS, ...SEED },
  );
  assert.ok(compared > RUNS * 0.95, `${compared} of ${RUNS} compared (medplum throws on the rest)`);
  assert.ok(failing > compared / 3, `${failing} of ${compared} mutated resources had errors: the mutations must break things`);
});

test('fast-check: the invariant proofs agree with FHIRPath wherever they answer', () => {
  fc.assert(
    fc.property(fc.nat(resources.length - 1), fc.nat(), fc.array(mutation, { minLength: 0, maxLength: 3 }), (ri, pi, mutations) => {
      const resource = mutated(ri, pi, mutations);
      assert.deepEqual(ours.validate(resource), fhirPathOnly.validate(resource));
    }),
    { numRuns: RUNS, ...SEED },
  );
});
