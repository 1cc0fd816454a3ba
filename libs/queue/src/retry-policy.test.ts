import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { retryDelayMs, toRateLimiter } from './index.ts';

const policy = { baseMs: 1000, maxMs: 60000, jitter: 0.5 };

test('exponential backoff: doubles per attempt within its jitter band, capped', () => {
  assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, { random: () => 1 })), [1000, 2000, 4000, 8000]);
  assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, { random: () => 0 })), [500, 1000, 2000, 4000]);
  assert.equal(retryDelayMs(20, policy, { random: () => 1 }), 60000);
  assert.equal(retryDelayMs(1000, policy, { random: () => 0 }), 30000);
  assert.equal(retryDelayMs(3, { ...policy, jitter: 0 }, { random: () => 0.3 }), 4000);
});

test('a Retry-After longer than the backoff wins, up to the ceiling', () => {
  assert.equal(retryDelayMs(1, policy, { random: () => 0, retryAfterMs: 7000 }), 7000);
  assert.equal(retryDelayMs(1, policy, { random: () => 0, retryAfterMs: 3_600_000 }), 60000);
  assert.equal(retryDelayMs(5, policy, { random: () => 1, retryAfterMs: 10 }), 16000);
});

test('property: the delay stays within [d(1-j), d] where d = min(max, base·2^(n-1))', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, jitter, r) => {
      const d = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
      const delay = retryDelayMs(n, { ...policy, jitter }, { random: () => r });
      assert.ok(delay >= Math.floor(d * (1 - jitter)) && delay <= d, `${delay} outside [${d * (1 - jitter)}, ${d}]`);
    }),
  );
});

test('rate limits map to BullMQ fixed windows that keep the average', () => {
  assert.deepEqual(toRateLimiter({ perSecond: 50 }), { max: 50, durationMs: 1000 });
  assert.deepEqual(toRateLimiter({ perSecond: 0.5 }), { max: 1, durationMs: 2000 });
  assert.deepEqual(toRateLimiter({ perSecond: 2.5 }), { max: 2, durationMs: 800 });
  assert.deepEqual(toRateLimiter({ perSecond: 10, burst: 30 }), { max: 30, durationMs: 3000 });
});
