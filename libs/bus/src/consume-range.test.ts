import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@conduit/log';
import { consumeRange, createKafkaClient, createPublisher, fetchOffsetsForTime, fetchWatermarks, provisionTopics, readTopicUntil, startGroupAt, topicEnds, type Publisher } from './index.ts';

// Integration test against the real broker (npm test starts it and sets KAFKA_BROKERS).
const kafka = createKafkaClient({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'range-test', logger: createLogger({ name: 'range-test', level: 'silent' }) });
const topic = `test.${randomUUID().slice(0, 8)}.range`;
const base = Date.parse('2026-11-22T10:00:00Z');
let publisher: Publisher;

before(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ name: topic, partitions: 2, replicationFactor: -1, configs: { 'retention.ms': '-1' } }]);
  await admin.disconnect();
  publisher = await createPublisher(kafka);
  // One key per partition's worth of records, stamped one second apart (the time index reads these).
  await publisher.publish(Array.from({ length: 10 }, (_, n) => ({
    topic, key: 'same-key', value: Buffer.from(`v${n}`), timestamp: base + n * 1000, headers: { eventId: `e${n}`, correlationId: 'c', schema: 't', schemaVersion: '1' },
  })));
});
after(async () => {
  await publisher?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

test('offsets by time come from the broker time index; a range reads exactly [start, end) once', async () => {
  const marks = await fetchWatermarks(kafka, topic);
  const p = marks.find((m) => m.high === '10')!;
  const at = await fetchOffsetsForTime(kafka, topic, base + 3500);
  assert.equal(at.find((o) => o.partition === p.partition)?.offset, '4');
  assert.equal((await fetchOffsetsForTime(kafka, topic, base + 60000)).find((o) => o.partition === p.partition)?.offset, '10', 'past the last record: the high watermark');

  const seen: string[] = [];
  const result = await consumeRange({
    kafka, topic,
    ranges: marks.map((m) => (m.partition === p.partition ? { partition: m.partition, start: '4', end: '8' } : { partition: m.partition, start: m.high, end: m.high })),
    onBatch: async (b) => {
      seen.push(...b.records.map((r) => `${r.offset}:${r.value.toString()}:${r.headers.eventId}:${r.timestamp - base}`));
    },
  });
  assert.equal(result.completed, true);
  assert.deepEqual(seen, ['4:v4:e4:4000', '5:v5:e5:5000', '6:v6:e6:6000', '7:v7:e7:7000']);
  assert.equal(result.next.get(p.partition), '8');
});

test('an aborted read stops early and says so; an onBatch failure ends the read with it', async () => {
  const marks = await fetchWatermarks(kafka, topic);
  const controller = new AbortController();
  const ranges = marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high }));
  const aborted = await consumeRange({ kafka, topic, ranges, signal: controller.signal, onBatch: async () => controller.abort() });
  assert.equal(aborted.completed, false);
  await assert.rejects(consumeRange({ kafka, topic, ranges, onBatch: async () => { throw new Error('downstream failed'); } }), /downstream failed/);
});

test('a reader or group started at topicEnds sees only what was written after', async () => {
  const missing = `range-test-missing-${randomUUID().slice(0, 8)}`;
  const ends = await topicEnds(kafka, [topic, missing]);
  assert.deepEqual([...ends.keys()], [topic], 'a topic that does not exist has no end');
  assert.deepEqual(ends.get(topic)!.map((e) => e.offset).sort(), (await fetchWatermarks(kafka, topic)).map((m) => m.high).sort());
  const later = (n: number) => ({ topic, key: 'other-key', value: Buffer.from(`later${n}`), headers: { eventId: `later${n}`, correlationId: 'c', schema: 't', schemaVersion: '1' } });
  await publisher.publish([later(1), later(2)]);
  const read = await readTopicUntil(kafka, topic, (seen) => seen.length >= 2, 30000, ends.get(topic));
  assert.deepEqual(read.map((r) => r.value.toString()).sort(), ['later1', 'later2']);

  const groupId = `range-test-${randomUUID().slice(0, 8)}`;
  await startGroupAt(kafka, groupId, ends);
  const admin = kafka.admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  assert.deepEqual(committed[0]!.partitions.map((p) => `${p.partition}:${p.offset}`).sort(), ends.get(topic)!.map((e) => `${e.partition}:${e.offset}`).sort());
});

test('a read waits for a topic created after it began; a topic never created reads nothing by the timeout', async () => {
  const late = `test.${randomUUID().slice(0, 8)}.late`;
  const reading = readTopicUntil(kafka, late, (seen) => seen.length >= 1, 30000);
  await new Promise((r) => setTimeout(r, 500));
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ name: late, partitions: 1, replicationFactor: -1, configs: {} }]);
  await publisher.publish([{ topic: late, key: 'k', value: Buffer.from('first'), headers: { eventId: 'late1', correlationId: 'c', schema: 't', schemaVersion: '1' } }]);
  try {
    assert.deepEqual((await reading).map((r) => r.value.toString()), ['first']);
  } finally {
    await admin.deleteTopics({ topics: [late] }).catch(() => undefined);
    await admin.disconnect();
  }
  assert.deepEqual(await readTopicUntil(kafka, `test.${randomUUID().slice(0, 8)}.never`, () => true, 600), []);
});
