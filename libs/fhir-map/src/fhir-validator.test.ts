import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle } from '@medplum/fhirtypes';
import { isConduitError } from '@conduit/errors';
import { createFhirValidator, type FhirValidator } from './fhir-validator.ts';
import { hl7, mapText, MSH_ADT } from './test-fixtures.ts';

const validator = createFhirValidator();

function bundleOf(...resources: Record<string, unknown>[]): Bundle {
  return { resourceType: 'Bundle', type: 'message', entry: resources.map((r, i) => ({ fullUrl: `urn:uuid:0000000${i}-0000-8000-8000-000000000000`, resource: r })) } as unknown as Bundle;
}

const HEADER = { resourceType: 'MessageHeader', id: 'h', eventCoding: { code: 'A01' }, source: { endpoint: 'urn:x' } };

test('the validator reports structural errors, invariants and bundle rules with FHIR paths, never values', () => {
  const issues = validator.validateBundle(bundleOf(HEADER,
    { resourceType: 'Patient', id: 'p', birthDate: '1980-13-45', gender: 'female' },
    { resourceType: 'Observation', id: 'o', code: { text: 'x' } },
    { resourceType: 'Patient', id: 'q', contact: [{ gender: 'male' }] },
  ));
  const errors = issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors.map((e) => [e.path, e.code, e.constraint]), [
    ['Bundle.entry[1].resource.birthDate', 'structure', undefined],
    ['Bundle.entry[2].resource.status', 'structure', undefined],
    ['Bundle.entry[3].resource.contact[0]', 'invariant', 'pat-1'],
  ]);
  assert.ok(!JSON.stringify(issues).includes('1980-13-45'));
  const noHeader = validator.validateBundle(bundleOf({ resourceType: 'Patient', id: 'p' }));
  assert.deepEqual(noHeader.filter((i) => i.severity === 'error').map((e) => e.constraint), ['bdl-12']);
  const duplicate = bundleOf(HEADER, { resourceType: 'Patient', id: 'p' });
  duplicate.entry!.push({ ...duplicate.entry![1]! });
  assert.deepEqual(validator.validateBundle(duplicate).filter((i) => i.severity === 'error').map((e) => e.constraint), ['bdl-7']);
});

test('mapToCanonical refuses a bundle its validator rejects with CDT_MAP_FHIR_INVALID naming the paths only', () => {
  const rejecting: FhirValidator = {
    resourceTypes: [],
    validateBundle: () => [{ severity: 'error', code: 'invariant', path: 'Bundle.entry[1].resource', constraint: 'pat-1' }, { severity: 'warning', code: 'structure', path: 'Bundle.entry[2]' }],
  };
  const message = hl7(MSH_ADT('A01'), 'PID|1||M1^^^GOODHEALTH^MR||SECRETNAME^J', 'PV1|1|I');
  assert.throws(() => mapText(message, { validator: rejecting }), (err: unknown) =>
    isConduitError(err) && err.code === 'CDT_MAP_FHIR_INVALID' && err.retriable === false &&
    /Bundle\.entry\[1\]\.resource \(pat-1\)/.test(err.message) && !err.message.includes('SECRETNAME'));
  const warningsOnly: FhirValidator = { resourceTypes: [], validateBundle: () => [{ severity: 'warning', code: 'structure', path: 'Bundle.entry[2]' }] };
  assert.equal(mapText(message, { validator: warningsOnly }).eventType, 'patient-admitted');
});

test('the validator holds the R4 definitions of every resource type the map emits', () => {
  assert.deepEqual([...validator.resourceTypes].sort(), [
    'AllergyIntolerance', 'Bundle', 'Condition', 'Coverage', 'DiagnosticReport', 'Encounter', 'Location', 'MessageHeader', 'Observation',
    'Organization', 'Patient', 'Practitioner', 'Provenance', 'RelatedPerson', 'ServiceRequest', 'Specimen',
  ]);
});
