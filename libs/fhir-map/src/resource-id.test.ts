import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveResourceId, identityResourceId, resourceIdInput } from './resource-id.ts';

test('identity ids are remembered across generations and always equal the hash of their input', () => {
  const input = (n: number) => resourceIdInput('Practitioner', ['http://hl7.org/fhir/sid/us-npi', String(n)]);
  const first = identityResourceId(input(1));
  assert.equal(first, deriveResourceId('Practitioner', 'http://hl7.org/fhir/sid/us-npi', '1'));
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Enough other identities to push the first one through both generations and out.
  for (let n = 2; n < 12_000; n++) assert.equal(identityResourceId(input(n)), deriveResourceId('Practitioner', 'http://hl7.org/fhir/sid/us-npi', String(n)));
  assert.equal(identityResourceId(input(1)), first);
  assert.equal(identityResourceId(input(11_999)), deriveResourceId('Practitioner', 'http://hl7.org/fhir/sid/us-npi', '11999'));
});
