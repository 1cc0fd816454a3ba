import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { parseHl7Batch } from '@conduit/hl7v2';
import { compiledValidate } from './compiled-validator.ts';
import type { FhirValidator } from './fhir-validator.ts';
import { mapToCanonical } from './map-message.ts';
import { loadStructureDefinitions, EMITTED_RESOURCE_TYPES } from './structure-definitions.ts';
import { CORPUS_DIR, readCorpus, TEST_CONTEXT } from './test-fixtures.ts';

loadStructureDefinitions(EMITTED_RESOURCE_TYPES);

/** medplum's verdict, the reference: its issues whether or not it throws them. */
function reference(resource: Resource): OperationOutcomeIssue[] {
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}

/**
 * Errors and reference-type warnings as comparable lines: code, path, text. (medplum's warnings
 * about two values for one choice element are not reproduced: they are advice, never a refusal.)
 */
const errors = (issues: readonly OperationOutcomeIssue[]) =>
  issues.filter((i) => i.severity === 'error' || i.details?.text?.startsWith('Invalid reference')).map((i) => `${i.code} ${i.expression?.[0] ?? ''} ${i.details?.text ?? ''}`).sort();

const unvalidated: FhirValidator = { resourceTypes: [], validateBundle: () => [] };

/** Every resource the mappings produce from the corpus, and each bundle's envelope. */
function corpusResources(): Resource[] {
  const out: Resource[] = [];
  for (const file of readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7')).sort()) {
    let batch;
    try {
      batch = parseHl7Batch(readCorpus(file));
    } catch {
      continue;
    }
    for (const message of batch.messages) {
      try {
        const { bundle } = mapToCanonical(message, { ...TEST_CONTEXT, validator: unvalidated });
        out.push({ ...bundle, entry: bundle.entry?.slice(0, 1) } as Resource);
        for (const e of bundle.entry ?? []) if (e.resource) out.push(e.resource);
      } catch {
        // Messages the mapping refuses (corpus.test.ts lists them) have no bundle to validate.
      }
    }
  }
  return out;
}

const resources = corpusResources();

test('on every resource mapped from the corpus the compiled walk answers, and with medplum\'s issues', () => {
  assert.ok(resources.length > 200, `${resources.length} resources`);
  const types = new Set<string>();
  for (const r of resources) {
    const ours = compiledValidate(r);
    assert.ok(ours, `${r.resourceType} left to medplum`);
    assert.deepEqual(errors(ours), errors(reference(r)), r.resourceType);
    types.add(r.resourceType);
  }
  assert.ok(types.size >= 12, [...types].join(' '));
});

/** Paths to every value in a JSON tree: ['name', 0, 'given', 1]. */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

type Mutation = (parent: Record<string | number, unknown>, key: string | number) => void;

const BAD_VALUES: readonly unknown[] = ['', ' ', 'not a date', '2026-02-30', 'a  b', '1.5.x', 12.5, -1, 0, 3e9, true, {}, [], [{}], { foo: 1 }, 'urn:uuid:NOT-A-UUID'];

/** Ways real mapping bugs break a resource: drop, retype, add, wrap, empty, or break an invariant. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // JSON has no holes: an array element is removed, not deleted.
  fc.constant<Mutation>((p, k) => void (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])),
  fc.constantFrom(...BAD_VALUES).map((bad): Mutation => (p, k) => void (p[k] = structuredClone(bad))),
  fc.constantFrom('foo', 'valueFoo', 'valueString', 'extension', 'contained', 'text', 'low', 'code').map((name): Mutation => (p, k) => {
    const target = p[k];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[name] = name === 'extension' ? [{ url: 'http://x', valueString: 'x', extension: [{ url: 'y' }] }] : 'x';
  }),
  fc.constant<Mutation>((p, k) => void (p[k] = Array.isArray(p[k]) ? (p[k] as unknown[])[0] : [p[k]])),
  fc.constant<Mutation>((p, k) => void (p[k] = Array.isArray(p[k]) ? [...(p[k] as unknown[]), ...(p[k] as unknown[])] : p[k])),
);

test('fast-check: on mutated corpus resources the compiled walk reports exactly medplum\'s errors, or defers to it', () => {
  let compared = 0;
  let failing = 0;
  fc.assert(
    fc.property(fc.nat(resources.length - 1), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (ri, pi, mutations) => {
      const r = structuredClone(resources[ri]!) as unknown as Record<string | number, unknown>;
      for (const mutate of mutations) {
        const all = paths(r).filter((p) => p[0] !== 'resourceType');
        if (all.length === 0) break;
        const path = all[pi % all.length]!;
        let parent: Record<string | number, unknown> = r;
        for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
        mutate(parent, path.at(-1)!);
      }
      const resource = r as unknown as Resource;
      const ours = compiledValidate(resource);
      if (ours === undefined) return;
      compared++;
      const expected = errors(reference(resource));
      if (expected.length > 0) failing++;
      assert.deepEqual(errors(ours), expected);
    }),
    { numRuns: Number(process.env['CONDUIT_FUZZ_RUNS'] ?? 1500), ...(process.env['CONDUIT_FUZZ_RUNS'] ? {} : { seed: 20261122 }) },
  );
  assert.ok(failing > compared / 4, `${failing} of ${compared} compared resources had errors: the mutations must break things`);
  assert.ok(compared > 1000, `${compared} of 1500 compared (the rest left to medplum)`);
});
