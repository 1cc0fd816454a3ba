import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSensitivityRules } from './sensitivity.ts';

const rules = loadSensitivityRules();

test('codes from the starter value sets classify a resource, wherever the Coding sits', () => {
  assert.deepEqual(rules.classify({ resourceType: 'Observation', code: { coding: [{ system: 'http://loinc.org', code: '19295-5' }] } }), ['substance-use']);
  assert.deepEqual(rules.classify({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F10.20' }] } }), ['substance-use']);
  assert.deepEqual(rules.classify({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F3210' }] } }), ['behavioral-health']);
  assert.deepEqual(rules.classify({ resourceType: 'Observation', component: [{ code: { coding: [{ system: 'http://loinc.org', code: '75622-1' }] } }] }), ['hiv-sti']);
  assert.deepEqual(rules.classify({ resourceType: 'Observation', extension: [{ url: 'x', valueCoding: { system: 'http://snomed.info/sct', code: '77386006' } }] }), ['reproductive-health']);
  assert.deepEqual(rules.classify({ resourceType: 'Observation', code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] } }), []);
});

test('security labels in meta.security classify a resource', () => {
  const labelled = (code: string, system = 'http://terminology.hl7.org/CodeSystem/v3-ActCode') => ({ resourceType: 'Observation', meta: { security: [{ system, code }] } });
  assert.deepEqual(rules.classify(labelled('ETH')), ['substance-use']);
  assert.deepEqual(rules.classify(labelled('PSY')), ['behavioral-health']);
  assert.deepEqual(rules.classify(labelled('PSYTHPN')), ['psychotherapy-notes']);
  assert.deepEqual(rules.classify(labelled('HIV')), ['hiv-sti']);
  assert.deepEqual(rules.classify(labelled('SDV')), ['sexual-violence']);
  assert.deepEqual(rules.classify(labelled('GDIS')), ['genetics']);
  assert.deepEqual(rules.classify(labelled('SEX')), ['reproductive-health']);
  assert.deepEqual(rules.classify(labelled('V', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality')), ['very-restricted']);
  assert.deepEqual(rules.classify(labelled('N', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality')), []);
});

test('a resource in several categories lists them all, sorted', () => {
  const r = { resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }, { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'B20' }] } };
  assert.deepEqual(rules.classify(r), ['hiv-sti', 'substance-use']);
});
