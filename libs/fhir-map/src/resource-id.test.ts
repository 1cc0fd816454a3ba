import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

test('a remembered id does not keep the message its identifier was read from alive', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 2000; i++) {
    // A 50 KB message per identity; the identifier is a slice of it, as the segment reader reads one.
    const message = `${i}|${'x'.repeat(50_000)}|MRN${String(i).padStart(10, '0')}|`;
    identityResourceId(resourceIdInput('Patient', ['urn:oid:2.16.840.1.113883.19.5', message.slice(message.length - 14, message.length - 1)]));
  }
  gc();
  const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  assert.ok(grownMb < 20, `${grownMb.toFixed(1)} MB kept for 2,000 ids; the 2,000 messages were 100 MB`);
});
