import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveToken } from '@conduit/keys';
import { createDomainTokens } from './domain-tokens.ts';

const secret = Buffer.alloc(32, 7);

test('identifier and patient tokens are the values @conduit/keys deriveToken gives (stable across releases)', () => {
  const t = createDomainTokens({ tokenSecret: secret }, 'care-management');
  assert.equal(t.identifier('GOODHEALTH', 'MRN78123456'), deriveToken(secret, 'care-management', 'GOODHEALTH', 'MRN78123456'));
  assert.equal(t.patient('pk-1'), deriveToken(secret, 'care-management', 'patient-key', 'pk-1'));
  assert.equal(t.identifier('GOODHEALTH', 'MRN78123456').length, 32);
});

test('two domains give different tokens for the same MRN; one domain gives the same token every time', () => {
  const a = createDomainTokens({ tokenSecret: secret }, 'care-management');
  const b = createDomainTokens({ tokenSecret: secret }, 'population-research');
  const again = createDomainTokens({ tokenSecret: Buffer.alloc(32, 7) }, 'care-management');
  assert.notEqual(a.identifier('GOODHEALTH', 'MRN78123456'), b.identifier('GOODHEALTH', 'MRN78123456'));
  assert.equal(a.identifier('GOODHEALTH', 'MRN78123456'), again.identifier('GOODHEALTH', 'MRN78123456'));
  assert.notEqual(a.resourceId('Patient', 'p1'), b.resourceId('Patient', 'p1'));
  assert.equal(a.resourceId('Patient', 'p1'), again.resourceId('Patient', 'p1'));
});

test('a per-domain secret replaces the default secret for that domain only', () => {
  const keys = { tokenSecret: secret, domainSecrets: { research: Buffer.alloc(32, 9) } };
  assert.equal(createDomainTokens(keys, 'research').identifier('S', 'V'), deriveToken(Buffer.alloc(32, 9), 'research', 'S', 'V'));
  assert.equal(createDomainTokens(keys, 'care').identifier('S', 'V'), deriveToken(secret, 'care', 'S', 'V'));
});

test('resource id pseudonyms are UUID-shaped (valid FHIR ids and urn:uuid fullUrls)', () => {
  const id = createDomainTokens({ tokenSecret: secret }, 'd1').resourceId('Observation', 'obx-1');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('format-preserving tokens keep length and character classes and never equal the input', () => {
  const t = createDomainTokens({ tokenSecret: secret }, 'd1');
  for (const value of ['MRN78123456', '999-12-3456', 'ab-12.CD', '7', 'x'.repeat(70)]) {
    const token = t.identifierFormatPreserving('SYS', value);
    assert.equal(token.length, value.length);
    assert.notEqual(token, value);
    const shape = (s: string) => s.replace(/[0-9]/g, '9').replace(/[A-Z]/g, 'A').replace(/[a-z]/g, 'a');
    assert.equal(shape(token), shape(value));
    assert.equal(t.identifierFormatPreserving('SYS', value), token);
  }
  assert.equal(t.identifierFormatPreserving('SYS', '---').length, 32, 'nothing to replace: a full token instead');
});

test('a token key shorter than 16 bytes is refused with CDT_CONFIG_INVALID', () => {
  assert.throws(() => createDomainTokens({ tokenSecret: Buffer.alloc(8) }, 'd1'), (err: Error & { code?: string }) => err.code === 'CDT_CONFIG_INVALID' && /8 bytes/.test(err.message));
});
