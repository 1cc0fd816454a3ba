import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConduitError } from '@conduit/errors';
import { createLogger } from '@conduit/log';
import { createKafkaClient, createPublisher, provisionTopics, readTopicUntil, runStage, type BusRecord, type Publisher } from './index.ts';

// Integration test against the real broker (npm test starts it and sets KAFKA_BROKERS).
const kafka = createKafkaClient({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'bus-test', logger: createLogger({ name: 'bus-test', level: 'silent' }) });
const run = randomUUID().slice(0, 8);
const topics = { input: `test.${run}.in`, output: `test.${run}.out`, dlq: `test.${run}.dlq` };
let publisher: Publisher;

before(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const report = await provisionTopics(admin, Object.values(topics).map((name) => ({ name, partitions: 2, replicationFactor: -1, configs: { 'retention.ms': '3600000' } })));
  assert.equal(report.created.length, 3);
  const again = await provisionTopics(admin, Object.values(topics).map((name) => ({ name, partitions: 2, replicationFactor: -1, configs: { 'retention.ms': '3600000' } })));
  assert.deepEqual(again, { created: [], updated: [], unchanged: Object.values(topics) });
  const grown = await provisionTopics(admin, [{ name: topics.input, partitions: 3, replicationFactor: -1, configs: { 'retention.ms': '7200000' } }]);
  assert.deepEqual(grown.updated, [topics.input]);
  await admin.disconnect();
  publisher = await createPublisher(kafka);
});

after(async () => {
  await publisher?.disconnect();
});

function record(topic: string, n: number): BusRecord {
  return { topic, key: `k${n % 4}`, value: { n }, headers: { eventId: `e${n}`, correlationId: `c${n}`, schema: 'test', schemaVersion: '1' } };
}

test('a stage publishes its outputs, dead-letters non-retriable failures, retries retriable ones, and commits', async () => {
  await publisher.publish(Array.from({ length: 20 }, (_, n) => record(topics.input, n)));
  const groupId = `test-${run}-stage`;
  let flakyFailures = 0;
  const logger = createLogger({ name: 'stage-test', level: 'silent' });
  const options = {
    kafka,
    groupId,
    topics: [topics.input],
    publisher,
    logger,
    handle: (input: { value: Buffer; headers: { eventId?: string } }) => {
      const { n } = JSON.parse(input.value.toString()) as { n: number };
      if (n === 7) throw new ConduitError('CDT_RECORD_INVALID', 'test');
      if (n === 11 && flakyFailures++ < 2) throw new ConduitError('CDT_KAFKA_WRITE_FAILED', 'test');
      return [record(topics.output, n)];
    },
    deadLetter: (input: { headers: { eventId?: string } }) => [{ topic: topics.dlq, key: null, value: { failed: input.headers.eventId }, headers: { eventId: input.headers.eventId ?? '', correlationId: 'x', schema: 'dlq', schemaVersion: '1' } }],
  };
  const stage = await runStage(options);
  const out = await readTopicUntil(kafka, topics.output, (seen) => new Set(seen.map((r) => r.headers.eventId)).size >= 19, 60000);
  const dlq = await readTopicUntil(kafka, topics.dlq, (seen) => seen.length >= 1, 30000);
  await stage.stop();
  const ids = new Set(out.map((r) => r.headers.eventId));
  assert.equal(ids.size, 19);
  assert.equal(ids.has('e7'), false);
  assert.equal(ids.has('e11'), true, 'the retriable failure was processed after retries');
  assert.equal(flakyFailures >= 2, true);
  assert.deepEqual(dlq.map((r) => JSON.parse(r.value.toString())), [{ failed: 'e7' }]);

  // Offsets were committed: the same group resumes after the last record and sees only new input.
  const seen: number[] = [];
  const resumed = await runStage({ ...options, handle: (input) => { seen.push((JSON.parse(input.value.toString()) as { n: number }).n); return []; } });
  await publisher.publish([record(topics.input, 100)]);
  const deadline = Date.now() + 30000;
  while (!seen.includes(100) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await resumed.stop();
  assert.deepEqual(seen, [100]);
});
