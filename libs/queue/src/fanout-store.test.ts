import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createFanoutStore, createRedisClient, readDeliveryState, readQueueDepth, deliveryIdFor, type DeliveryFields } from './index.ts';

const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', connectionName: 'conduit-test', mode: 'fail-fast' });
const prefix = `test-${randomUUID().slice(0, 8)}`;
const store = createFanoutStore(redis, { prefix });

after(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function fields(eventId: string): DeliveryFields {
  return { eventId, body: `{"eventId":"${eventId}"}`, key: 'pk-1', source: { topic: 'in', partition: 2, offset: '41' }, correlationId: 'c1' };
}

test('pull: a number is reused until released, then a re-processed record takes the next one', async () => {
  const a = await store.assign({ subscriber: 'pull', deliveryId: 'e1', now: 1 });
  const b = await store.assign({ subscriber: 'pull', deliveryId: 'e2', now: 1 });
  assert.deepEqual([a, b], [{ sequence: 1, created: true, laneHead: undefined }, { sequence: 2, created: true, laneHead: undefined }]);
  // A crash before publishing: the record comes again and keeps its number (no gap).
  assert.deepEqual(await store.assign({ subscriber: 'pull', deliveryId: 'e1', now: 2 }), { sequence: 1, created: false, laneHead: undefined });
  await store.release('pull', ['e1', 'e2']);
  // Published and released: a re-processed record is a duplicate with a new number, never a gap.
  assert.equal((await store.assign({ subscriber: 'pull', deliveryId: 'e1', now: 3 })).sequence, 3);
  assert.equal((await store.assign({ subscriber: 'other', deliveryId: 'e1', now: 3 })).sequence, 1, 'numbers are per subscriber');
});

test('push: deliveries queue per lane; only the head is in flight; settle advances and ends state', async () => {
  const s = 'push';
  const r1 = await store.assign({ subscriber: s, deliveryId: 'p1', push: { lane: 'patA', fields: fields('p1') }, now: 1000 });
  const r2 = await store.assign({ subscriber: s, deliveryId: 'p2', push: { lane: 'patA', fields: fields('p2') }, now: 1001 });
  const r3 = await store.assign({ subscriber: s, deliveryId: 'p3', push: { lane: 'patB', fields: fields('p3') }, now: 1002 });
  assert.deepEqual([r1, r2, r3].map((r) => [r.sequence, r.created, r.laneHead]), [[1, true, 'p1'], [2, true, 'p1'], [3, true, 'p3']]);
  assert.deepEqual(await store.assign({ subscriber: s, deliveryId: 'p2', push: { lane: 'patA', fields: fields('p2') }, now: 1003 }), { sequence: 2, created: false, laneHead: 'p1' });
  assert.deepEqual((await store.laneHeads(s)).sort((x, y) => x.lane.localeCompare(y.lane)), [{ lane: 'patA', head: 'p1' }, { lane: 'patB', head: 'p3' }]);
  assert.equal((await store.queueDepth([s])).get(s), 3);

  const begun = await store.begin(s, 'p1', 3, 2000);
  assert.equal(begun.kind, 'attempt');
  assert.ok(begun.kind === 'attempt');
  assert.deepEqual({ ...begun.delivery, body: JSON.parse(begun.delivery.body) as unknown }, {
    subscriber: s, deliveryId: 'p1', attempts: 1, sequence: 1, lane: 'patA', eventId: 'p1', body: { eventId: 'p1' }, key: 'pk-1',
    source: { topic: 'in', partition: 2, offset: '41' }, correlationId: 'c1', queuedAt: 1000,
  });
  await store.noteFailure(s, 'p1', { code: 'CDT_WEBHOOK_UNAVAILABLE', status: 503 }, 2001);
  await store.begin(s, 'p1', 3, 2002);
  assert.equal(await store.settle(s, 'p1', 'patA', { kind: 'delivered', status: 204 }, 2003, 60000), 'p2');
  // Settling again (a job re-run after a crash) changes nothing and names the same next head.
  assert.equal(await store.settle(s, 'p1', 'patA', { kind: 'delivered', status: 204 }, 2004, 60000), 'p2');
  assert.equal((await store.begin(s, 'p1', 3, 2005)).kind, 'ended');
  assert.deepEqual(await readDeliveryState(redis, { prefix, subscriber: s, eventId: 'p1' }), {
    subscriber: s, eventId: 'p1', deliveryId: 'p1', sequence: 1, status: 'delivered', attempts: 2,
    queuedAt: new Date(1000).toISOString(), lastAttemptAt: new Date(2002).toISOString(), deliveredAt: new Date(2003).toISOString(),
    lastError: 'CDT_WEBHOOK_UNAVAILABLE', lastResponseStatus: 204,
  });
  assert.equal(await redis.hexists(store.keys(s).state('p1'), 'body'), 0, 'the body leaves Redis when the delivery ends');
  assert.ok((await redis.pttl(store.keys(s).state('p1'))) > 0);

  // Attempts run out: begin says exhausted without counting another attempt.
  for (let i = 0; i < 2; i++) assert.equal((await store.begin(s, 'p2', 2, 3000 + i)).kind, 'attempt');
  const exhausted = await store.begin(s, 'p2', 2, 3010);
  assert.equal(exhausted.kind, 'exhausted');
  assert.equal(await store.settle(s, 'p2', 'patA', { kind: 'failed', code: 'CDT_WEBHOOK_TIMEOUT' }, 3011, 60000), undefined);
  assert.deepEqual((await store.laneHeads(s)).map((h) => h.lane), ['patB'], 'an empty lane leaves the lane set');
  assert.equal(await readQueueDepth(redis, { prefix, subscriber: s }), 1);
  const failed = await readDeliveryState(redis, { prefix, subscriber: s, eventId: 'p2' });
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.lastError, 'CDT_WEBHOOK_TIMEOUT');
  assert.equal(failed?.attempts, 2);
  assert.equal(await readDeliveryState(redis, { prefix, subscriber: s, eventId: 'nope' }), undefined);
});

test('replays get their own delivery id', () => {
  assert.equal(deliveryIdFor('e1'), 'e1');
  assert.match(deliveryIdFor('e1', 'r1'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(deliveryIdFor('e1', 'r1'), deliveryIdFor('e1', 'r2'));
});
