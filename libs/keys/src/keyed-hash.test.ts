import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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

test('patient keys and tokens are the HMAC-SHA256 values earlier releases wrote (partitions and tokens stay put)', () => {
  assert.equal(derivePatientKey(k1, 'HOSP', '12345678'), createHmac('sha256', k1).update('patient\u0000HOSP\u000012345678').digest('base64url'));
  assert.equal(deriveToken(k1, 'sub-a', 'urn:mrn', '123'), createHmac('sha256', k1).update('token\u0000sub-a\u0000urn:mrn\u0000123').digest('base64url').slice(0, 32));
});
