import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@conduit/log';
import { createFanoutStore, createLaneQueue, createRedisClient, type AttemptOutcome, type DeliveryFailure, type StoredDelivery } from './index.ts';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const commands = createRedisClient({ url, connectionName: 'conduit-test', mode: 'fail-fast' });
const connection = createRedisClient({ url, connectionName: 'conduit-test-bullmq', mode: 'wait' });
const prefix = `test-${randomUUID().slice(0, 8)}`;
const store = createFanoutStore(commands, { prefix });

after(async () => {
  const keys = await commands.keys(`${prefix}:*`);
  if (keys.length > 0) await commands.del(...keys);
  commands.disconnect();
  connection.disconnect();
});

test('lanes deliver in order per patient; a failing lane neither blocks others nor loses its place', async () => {
  const subscriber = 'lanes';
  const delivered: { id: string; at: number }[] = [];
  const attempts = new Map<string, number>();
  const exhausted: { id: string; failure: DeliveryFailure; attempts: number }[] = [];
  const script: Record<string, (n: number) => AttemptOutcome> = {
    A1: (n) => (n < 3 ? { kind: 'retry', code: 'CDT_WEBHOOK_UNAVAILABLE', status: 503 } : { kind: 'delivered', status: 200 }),
    B2: () => ({ kind: 'fail', code: 'CDT_WEBHOOK_REJECTED', status: 410 }),
    C3: () => ({ kind: 'retry', code: 'CDT_WEBHOOK_TIMEOUT' }),
  };
  let expectedDone = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const check = () => { if (delivered.length + exhausted.length === expectedDone) resolveDone(); };
  const lanes = createLaneQueue({
    connection, store, subscriber, concurrency: 4, maxAttempts: 3, lockDurationMs: 5000, stateTtlMs: 60000,
    retryDelayMs: () => 250,
    logger: createLogger({ name: 'test', level: 'silent' }),
    attempt: (d: StoredDelivery) => {
      const n = (attempts.get(d.eventId) ?? 0) + 1;
      attempts.set(d.eventId, n);
      assert.equal(d.attempts, n, 'the stored attempt count matches');
      const outcome = script[d.eventId]?.(n) ?? { kind: 'delivered', status: 204 };
      if (outcome.kind === 'delivered') {
        delivered.push({ id: d.eventId, at: Date.now() });
        queueMicrotask(check);
      }
      return Promise.resolve(outcome);
    },
    exhausted: (d, failure) => {
      exhausted.push({ id: d.eventId, failure, attempts: d.attempts });
      queueMicrotask(check);
      return Promise.resolve();
    },
  });
  try {
    for (let i = 1; i <= 5; i++) {
      for (const lane of ['A', 'B', 'C']) {
        const id = `${lane}${i}`;
        expectedDone++;
        const r = await store.assign({ subscriber, deliveryId: id, now: Date.now(), push: { lane, fields: { eventId: id, body: '{}', key: null, source: { topic: 't', partition: 0, offset: String(i) }, correlationId: id } } });
        if (r.laneHead === id) await lanes.ensureHead(id, lane);
      }
    }
    // A lane head whose job was lost (a crash between the store and BullMQ) is found by the sweep.
    expectedDone++;
    await store.assign({ subscriber, deliveryId: 'D1', now: Date.now(), push: { lane: 'D', fields: { eventId: 'D1', body: '{}', key: null, source: { topic: 't', partition: 0, offset: '9' }, correlationId: 'D1' } } });
    // Nothing but the sweep adds D1's job: its delivery below proves the sweep found it.
    assert.ok((await lanes.sweep()) >= 1);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${JSON.stringify({ delivered, exhausted })}`)), 20000)))]);
    clearTimeout(timer);
  } finally {
    await lanes.close();
  }
  const order = (lane: string) => delivered.filter((d) => d.id.startsWith(lane)).map((d) => d.id);
  assert.deepEqual(order('A'), ['A1', 'A2', 'A3', 'A4', 'A5']);
  assert.deepEqual(order('B'), ['B1', 'B3', 'B4', 'B5']);
  assert.deepEqual(order('C'), ['C1', 'C2', 'C4', 'C5']);
  assert.deepEqual(order('D'), ['D1']);
  assert.deepEqual(exhausted.sort((x, y) => x.id.localeCompare(y.id)), [
    { id: 'B2', failure: { code: 'CDT_WEBHOOK_REJECTED', status: 410 }, attempts: 1 },
    { id: 'C3', failure: { code: 'CDT_WEBHOOK_TIMEOUT' }, attempts: 3 },
  ]);
  assert.equal(attempts.get('A1'), 3);
  const at = (id: string) => delivered.find((d) => d.id === id)!.at;
  assert.ok(at('B5') < at('A1'), 'lane B finished while lane A was backing off');
  assert.equal((await store.queueDepth([subscriber])).get(subscriber), 0);
  assert.deepEqual(await store.laneHeads(subscriber), []);
});
