import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createDlqIndexStore, createRedisClient, createRedisDataKeyStore, createReplayStore, opsKeys, type DlqIndexEntry } from './index.ts';

// Integration test against the real Redis (npm test starts it and sets REDIS_URL).
const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', connectionName: 'ops-stores-test', mode: 'fail-fast' });
const prefix = `test:ops-stores:${randomUUID().slice(0, 8)}`;
const keys = opsKeys(prefix);

after(async () => {
  const all = await redis.keys(`${prefix}:*`);
  if (all.length > 0) await redis.del(...all);
  await redis.quit();
});

function entry(id: string, stage: string, last: number, expires: number, keyId?: string): DlqIndexEntry {
  return {
    id, stage, errorCode: 'CDT_RECORD_INVALID', attempts: 1, firstFailureAt: new Date(last).toISOString(), lastFailureAt: new Date(last).toISOString(),
    source: { topic: 'in', partition: 0, offset: '1' }, dlq: { topic: 'dlq', partition: 0, offset: '1' }, recordKey: 'pk',
    expiresAt: new Date(expires).toISOString(), status: 'failed', retries: 0, ...(keyId ? { keyId } : {}),
  };
}

test('the DLQ index lists newest first with filters, hides expired entries, and removes entries with their keys', async () => {
  const store = createDlqIndexStore(redis, { prefix, graceMs: 60000 });
  const dataKeys = createRedisDataKeyStore(redis, { prefix });
  const now = Date.now();
  await dataKeys.put('dk_a', Buffer.alloc(32, 1), 600000);
  await store.put(entry('a', 'normalize', now - 3000, now + 500000, 'dk_a'), 'sealed-a');
  await store.put(entry('b', 'project', now - 2000, now + 500000), null);
  await store.put(entry('c', 'normalize', now - 1000, now - 1), null);
  assert.ok((await redis.pttl(keys.dataKey('dk_a'))) <= 500000, 'the data key expires no later than its entry');

  assert.deepEqual((await store.list({}, { offset: 0, limit: 10 }, now)).entries.map((e) => e.id), ['b', 'a'], 'c has expired');
  assert.deepEqual((await store.list({ stage: 'normalize' }, { offset: 0, limit: 10 }, now)).entries.map((e) => e.id), ['a']);
  const firstPage = await store.list({}, { offset: 0, limit: 1 }, now);
  assert.deepEqual([firstPage.entries.map((e) => e.id), firstPage.nextOffset], [['b'], 2], 'the offset counts the expired entry it skipped');
  assert.deepEqual((await store.list({}, { offset: 2, limit: 1 }, now)).entries.map((e) => e.id), ['a']);
  assert.deepEqual((await store.getWithPayload('a', now))?.sealed, 'sealed-a');
  assert.equal(await store.get('c', now), null);
  assert.deepEqual(await store.expiredIds(now, 10), ['c']);

  assert.equal(await store.update({ ...entry('a', 'normalize', now - 3000, now + 500000, 'dk_a'), status: 'retried', retries: 1 }), true);
  assert.equal((await store.getWithPayload('a', now))?.sealed, 'sealed-a', 'an update keeps the payload copy');
  assert.equal(await store.update(entry('zz', 'normalize', now, now + 1000)), false, 'no entry, no write');

  assert.deepEqual(await store.remove(['a', 'c']), { entries: 2, keys: 1 });
  assert.equal(await dataKeys.get('dk_a'), null);
  assert.deepEqual((await store.list({}, { offset: 0, limit: 10 }, now)).entries.map((e) => e.id), ['b']);
  assert.deepEqual(await store.expiredIds(now, 10), []);
});

test('a replay record keeps its checkpoint per partition and counters; only a live replay can be cancelled', async () => {
  const store = createReplayStore<{ stage: string }, { partitions: number }>(redis, { prefix });
  await store.create({ id: 'rp_1', spec: { stage: 'canonical' }, createdAt: new Date().toISOString(), createdBy: 'alice' });
  await store.savePlan('rp_1', { partitions: 2 }, new Date().toISOString());
  await store.checkpoint('rp_1', 0, '40', { scanned: 40, matched: 10, published: 10 });
  await store.checkpoint('rp_1', 1, '7', { scanned: 7, matched: 7, published: 7 });
  const r = await store.get('rp_1');
  assert.deepEqual({ status: r?.status, plan: r?.plan, checkpoint: r?.checkpoint, counts: r?.counts }, {
    status: 'running', plan: { partitions: 2 }, checkpoint: { 0: '40', 1: '7' }, counts: { scanned: 47, matched: 17, published: 17 },
  });
  assert.equal(await store.requestCancel('rp_1'), true);
  assert.equal(await store.status('rp_1'), 'cancelling');
  await store.setStatus('rp_1', 'cancelled', { finishedAt: new Date().toISOString() });
  assert.equal(await store.requestCancel('rp_1'), false);
  assert.deepEqual((await store.list(10)).map((x) => x.id), ['rp_1']);
});
