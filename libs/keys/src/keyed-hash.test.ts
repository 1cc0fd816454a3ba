import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivePatientKey, deriveToken } from './index.ts';

const k1 = Buffer.from('k'.repeat(32));
const k2 = Buffer.from('j'.repeat(32));

test('patient key is stable, secret-dependent and free of the MRN', () => {
  const a = derivePatientKey(k1, 'HOSP', '12345678');
  assert.equal(a, derivePatientKey(k1, 'HOSP', '12345678'));
  assert.notEqual(a, derivePatientKey(k2, 'HOSP', '12345678'));
  assert.notEqual(a, derivePatientKey(k1, 'OTHER', '12345678'));
  assert.doesNotMatch(a, /12345678/);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
});

test('tokens differ by domain and are stable within one', () => {
  const t1 = deriveToken(k1, 'sub-a', 'urn:mrn', '123');
  assert.equal(t1, deriveToken(k1, 'sub-a', 'urn:mrn', '123'));
  assert.notEqual(t1, deriveToken(k1, 'sub-b', 'urn:mrn', '123'));
  assert.equal(t1.length, 32);
});
