import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter } from './rate-limiter.ts';

test('the bucket holds a tenth of a second and refills at the rate', async () => {
  let now = 0;
  const limiter = createRateLimiter(1000, () => now);
  assert.equal(limiter.chunk, 100);
  await limiter.take(100);
  const pending = limiter.take(50);
  let done = false;
  void pending.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'waits for tokens');
  now = 50;
  await pending;
  assert.equal(done, true);
});

test('no limit never waits; an aborted wait rejects', async () => {
  await createRateLimiter(null).take(1e6);
  const slow = createRateLimiter(1, () => 0);
  await slow.take(1);
  const controller = new AbortController();
  const waiting = slow.take(1, controller.signal);
  controller.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
});
