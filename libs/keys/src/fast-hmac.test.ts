import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createKeyedHash } from './fast-hmac.ts';

test('createKeyedHash equals createHmac sha256 for short, block-size and long keys', () => {
  // The last two exceed the reused scratch buffer (2,048 bytes) and take the allocating path.
  const messages = ['', 'abc', 'token\u0000care\u0000GOODHEALTH\u0000MRN78123456', 'é漢字😀'.repeat(40), 'x'.repeat(3000), '😀'.repeat(700)];
  for (const len of [1, 16, 32, 64, 65, 200]) {
    const key = Buffer.alloc(len, len);
    const mac = createKeyedHash(key);
    for (const m of messages) {
      assert.equal(mac.digestBase64url(m), createHmac('sha256', key).update(m).digest('base64url'));
      assert.deepEqual(mac.digest(m), createHmac('sha256', key).update(m).digest());
    }
  }
});
