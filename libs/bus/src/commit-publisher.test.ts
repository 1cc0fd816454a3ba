import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@conduit/log';
import { createCommitPublisher, createKafkaClient, provisionTopics, readTopicUntil, type BusRecord, type CommitPublisher } from './index.ts';

// Integration test against the real broker (npm test starts it and sets KAFKA_BROKERS).
const logger = createLogger({ name: 'commit-publisher-test', level: 'silent' });
const kafka = createKafkaClient({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'commit-publisher-test', logger, retryBudgetMs: 1000 });
const topic = `test.${randomUUID().slice(0, 8)}.commit`;
let publisher: CommitPublisher;

before(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ name: topic, partitions: 2, replicationFactor: -1, configs: { 'retention.ms': '3600000' } }]);
  await admin.disconnect();
  publisher = await createCommitPublisher(kafka, { deadlineMs: 300, maxBatchBytes: 64 * 1024 });
});

after(async () => {
  await publisher?.disconnect();
});

function record(to: string, n: number, bytes = 10): BusRecord {
  return { topic: to, key: `k${n % 3}`, value: { n, pad: 'x'.repeat(bytes) }, headers: { eventId: `e${n}`, correlationId: `c${n}`, schema: 'test', schemaVersion: '1' } };
}

test('concurrent writes are acknowledged and stored once each, in order per key', async () => {
  const writes = Array.from({ length: 60 }, (_, n) => publisher.write([record(topic, n, n % 10 === 0 ? 40000 : 10)]));
  await Promise.all(writes.map((w) => w.acknowledged));
  assert.deepEqual(await Promise.all(writes.map((w) => w.settled)), Array.from({ length: 60 }, () => true));
  const seen = await readTopicUntil(kafka, topic, (s) => s.length >= 60, 30000);
  assert.equal(seen.length, 60);
  for (const key of ['k0', 'k1', 'k2']) {
    const ns = seen.filter((r) => r.key === key).map((r) => (JSON.parse(r.value.toString()) as { n: number }).n);
    assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `records of ${key} keep their order`);
  }
});

test('a write that cannot complete is refused at its deadline and later settles as not stored', async () => {
  const started = Date.now();
  const w = publisher.write([record(`test.${randomUUID()}.missing`, 1)]);
  await assert.rejects(w.acknowledged, (err: Error & { code?: string }) => err.code === 'CDT_KAFKA_WRITE_FAILED');
  assert.ok(Date.now() - started < 2000, 'the caller is answered at the deadline, not after kafkajs gave up');
  // Queued behind the failing request and past its own deadline before it was sent: never sent.
  const behind = publisher.write([record(topic, 99)]);
  await assert.rejects(behind.acknowledged);
  assert.equal(await w.settled, false);
  assert.equal(await behind.settled, false);
  const after = publisher.write([record(topic, 100)]);
  await after.acknowledged;
  assert.equal(await after.settled, true, 'the publisher recovers once the failed request settled');
});
