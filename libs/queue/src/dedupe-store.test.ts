import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@conduit/log';
import { createDedupeStore, type DedupeClaim } from './index.ts';

// Integration test against the real Redis (npm test starts it and sets REDIS_URL).
const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ name: 'dedupe-test', level: 'silent' });
const store = createDedupeStore({ url, prefix: `test:dedupe:${randomUUID()}`, windowMs: 60000, pendingTtlMs: 5000, logger });

after(() => store.close());

function claimed(c: DedupeClaim): DedupeClaim & { kind: 'claimed' } {
  assert.equal(c.kind, 'claimed');
  return c as DedupeClaim & { kind: 'claimed' };
}

test('a stored identity is a duplicate for the same content and a conflict for other content', async () => {
  assert.equal(await store.ready(5000), true);
  const c = claimed(await store.claim('id-1', 'fp-a', 0));
  await store.commit(c);
  assert.deepEqual(await store.claim('id-1', 'fp-a', 0), { kind: 'duplicate' });
  assert.deepEqual(await store.claim('id-1', 'fp-b', 0), { kind: 'conflict' });
});

test('a released identity can be claimed again; a release by a stale claimant changes nothing', async () => {
  const first = claimed(await store.claim('id-2', 'fp', 0));
  await store.release(first);
  const second = claimed(await store.claim('id-2', 'fp', 0));
  await store.release(first);
  assert.deepEqual(await store.claim('id-2', 'fp', 0), { kind: 'in-flight' }, 'the second claim still holds');
  await store.commit(second);
  assert.deepEqual(await store.claim('id-2', 'fp', 0), { kind: 'duplicate' });
});

test('a concurrent claim waits for the in-flight write and learns its outcome', async () => {
  const owner = claimed(await store.claim('id-3', 'fp', 0));
  const waiting = store.claim('id-3', 'fp', 5000);
  setTimeout(() => void store.commit(owner), 30);
  assert.deepEqual(await waiting, { kind: 'duplicate' });

  const failing = claimed(await store.claim('id-4', 'fp', 0));
  const retry = store.claim('id-4', 'fp', 5000);
  setTimeout(() => void store.release(failing), 30);
  assert.equal((await retry).kind, 'claimed', 'after a failed write the waiting copy takes over');
});

test('exactly one of many simultaneous claims wins', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('id-5', 'fp', 0)));
  assert.equal(results.filter((r) => r.kind === 'claimed').length, 1);
  assert.equal(results.filter((r) => r.kind === 'in-flight').length, 19);
});

test('an unreachable Redis answers "unavailable" quickly instead of hanging', async () => {
  const down = createDedupeStore({ url: 'redis://127.0.0.1:1', prefix: 'x', windowMs: 1000, pendingTtlMs: 1000, logger, redisOptions: { retryStrategy: () => null } });
  const started = Date.now();
  assert.deepEqual(await down.claim('id', 'fp', 1000), { kind: 'unavailable' });
  assert.ok(Date.now() - started < 1000);
  await down.close();
});
