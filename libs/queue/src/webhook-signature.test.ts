import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signWebhook, verifyWebhookSignature } from './index.ts';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"eventId":"e1","sequence":1}';

test('golden: the header is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
  assert.equal(signWebhook(secret, body, 1767225600), 't=1767225600,v1=ac924b927003614a265a818b60dd50ff2a0c4c2097954b517b9877f5c976181a');
  assert.deepEqual(verifyWebhookSignature({ header: 't=1767225600,v1=ac924b927003614a265a818b60dd50ff2a0c4c2097954b517b9877f5c976181a', body, secrets: secret, nowSeconds: 1767225660 }), { ok: true, timestamp: 1767225600 });
});

test('refuses a missing, malformed, stale or mismatched signature', () => {
  const header = signWebhook(secret, body, 1000);
  assert.deepEqual(verifyWebhookSignature({ header: undefined, body, secrets: secret, nowSeconds: 1000 }), { ok: false, reason: 'missing' });
  assert.deepEqual(verifyWebhookSignature({ header: 'v1=abc', body, secrets: secret, nowSeconds: 1000 }), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyWebhookSignature({ header, body, secrets: secret, nowSeconds: 1301 }), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyWebhookSignature({ header, body, secrets: secret, nowSeconds: 1301, toleranceSeconds: 600 }), { ok: true, timestamp: 1000 });
  assert.deepEqual(verifyWebhookSignature({ header, body: body.replace('1}', '2}'), secrets: secret, nowSeconds: 1000 }), { ok: false, reason: 'mismatch' });
  assert.deepEqual(verifyWebhookSignature({ header, body, secrets: 'another-secret-of-16+', nowSeconds: 1000 }), { ok: false, reason: 'mismatch' });
  // A re-timestamped header does not carry over the old signature.
  assert.deepEqual(verifyWebhookSignature({ header: header.replace('t=1000', 't=1001'), body, secrets: secret, nowSeconds: 1001 }), { ok: false, reason: 'mismatch' });
});

test('secret rotation: signed with old and new, verified by either', () => {
  const header = signWebhook(['old-secret-0123456789', 'new-secret-0123456789'], body, 50);
  assert.equal(header.split(',').length, 3);
  for (const s of ['old-secret-0123456789', 'new-secret-0123456789']) assert.equal(verifyWebhookSignature({ header, body, secrets: s, nowSeconds: 50 }).ok, true);
  assert.equal(verifyWebhookSignature({ header: signWebhook('new-secret-0123456789', body, 50), body, secrets: ['old-secret-0123456789', 'new-secret-0123456789'], nowSeconds: 50 }).ok, true);
});

test('property: any body verifies with its secret, and no single changed byte does', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.string({ minLength: 16, maxLength: 64 }), fc.nat(), (bytes, key, at) => {
      const b = Buffer.from(bytes);
      const t = 1_700_000_000 + (at % 1_000_000);
      const header = signWebhook(key, b, t);
      assert.equal(verifyWebhookSignature({ header, body: b, secrets: key, nowSeconds: t }).ok, true);
      const tampered = Buffer.from(b);
      tampered[at % tampered.length] = tampered[at % tampered.length]! ^ 0x01;
      assert.deepEqual(verifyWebhookSignature({ header, body: tampered, secrets: key, nowSeconds: t }), { ok: false, reason: 'mismatch' });
    }),
    { numRuns: 200 },
  );
});
