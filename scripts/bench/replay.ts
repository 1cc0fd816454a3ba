// Replay throughput: seeds a topic with canonical events, then runs one canonical-stage replay of
// the whole window with no rate limit (the ops replay runner, in process, against the real broker
// and Redis) and reports records re-published per second. Target: ≥ 10,000 records/s.
import { randomUUID } from 'node:crypto';
import { createKafkaClient, createPublisher, deriveEventId, fetchWatermarks, parseBrokerList, provisionTopics, type BusRecord } from '@conduit/bus';
import { SchemaIds, type CanonicalEvent } from '@conduit/events';
import { createLogger } from '@conduit/log';
import { createDlqIndexStore, createRedisClient, createReplayStore } from '@conduit/queue';
import { runReplay } from '../../services/ops/src/replay/replay-runner.ts';
import type { ReplaySpec } from '../../services/ops/src/replay/replay-spec.ts';
import type { ReplayPlan } from '../../services/ops/src/replay/replay-plan.ts';

const RECORDS = Number(process.env['BENCH_REPLAY_RECORDS'] ?? 100000);
const PARTITIONS = 6;

function event(i: number, run: string): CanonicalEvent {
  const eventId = deriveEventId('BENCH', run, String(i));
  const patientId = deriveEventId('patient', run, String(i % 5000));
  return {
    eventId, eventType: 'patient-admitted', messageType: 'ADT^A01', source: { application: 'BENCH', facility: `FAC${i % 7}`, listener: 'bench' },
    occurredAt: '2026-11-22T08:30:00-05:00', receivedAt: new Date().toISOString(), patientKey: `pk-${i % 5000}`, rawEventId: eventId,
    bundle: {
      resourceType: 'Bundle', id: eventId, type: 'collection',
      entry: [
        { fullUrl: `urn:uuid:${patientId}`, resource: { resourceType: 'Patient', id: patientId, gender: 'female', birthDate: '1971-02-03', name: [{ family: `Family${i}`, given: ['Bench', 'Q'] }], address: [{ line: [`${i} Main Street`], city: 'Greensboro', state: 'NC', postalCode: '27401' }], identifier: [{ value: `MRN${i}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }] } },
        { fullUrl: `urn:uuid:${eventId}-enc`, resource: { resourceType: 'Encounter', id: `${eventId}-enc`, status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: `Patient/${patientId}` }, period: { start: '2026-11-22T08:00:00-05:00' } } },
      ],
    },
  };
}

export async function runReplayBench(): Promise<Record<string, number>> {
  const run = randomUUID().slice(0, 8);
  const topic = `bench.${run}.canonical`;
  const logger = createLogger({ name: 'bench-replay', level: 'warn' });
  const kafka = createKafkaClient({ brokers: parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092'), clientId: 'bench-replay', logger });
  const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', connectionName: 'bench-replay', mode: 'fail-fast' });
  const prefix = `bench:${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ name: topic, partitions: PARTITIONS, replicationFactor: -1, configs: { 'retention.ms': '3600000' } }]);
  const publisher = await createPublisher(kafka, { timeoutMs: 30000 });
  try {
    const from = Date.now() - 1000;
    const seedStart = performance.now();
    for (let i = 0; i < RECORDS; i += 5000) {
      const batch: BusRecord[] = [];
      for (let j = i; j < Math.min(RECORDS, i + 5000); j++) {
        const e = event(j, run);
        batch.push({ topic, key: e.patientKey ?? null, value: e, headers: { eventId: e.eventId, correlationId: e.eventId, schema: SchemaIds.canonical.name, schemaVersion: SchemaIds.canonical.version } });
      }
      await publisher.publish(batch);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const to = Date.now() + 1;
    const bytes = Buffer.byteLength(JSON.stringify(event(0, run)));

    const store = createReplayStore<ReplaySpec, ReplayPlan>(redis, { prefix });
    const id = `rp_bench${run}`;
    const spec: ReplaySpec = { stage: 'canonical', from: new Date(from).toISOString(), to: new Date(to).toISOString(), selectors: {}, dryRun: false, ratePerSecond: null, reason: 'benchmark' };
    await store.create({ id, spec, createdAt: new Date().toISOString(), createdBy: 'bench' });
    const started = performance.now();
    const outcome = await runReplay({
      kafka, publisher, store, dlq: createDlqIndexStore(redis, { prefix }), logger, partitionsConsumedConcurrently: PARTITIONS,
      topics: { raw: topic, canonical: topic, subscriber: topic },
    }, id, new AbortController().signal);
    const seconds = (performance.now() - started) / 1000;
    const done = await store.get(id);
    const high = (await fetchWatermarks(kafka, topic)).reduce((n, p) => n + Number(p.high), 0);
    if (outcome !== 'done' || done?.status !== 'completed' || done.counts.published !== RECORDS || high !== 2 * RECORDS) {
      throw new Error(`replay bench: ${done?.status} after ${done?.counts.published} of ${RECORDS} (topic holds ${high})`);
    }
    const result = {
      records: RECORDS,
      recordBytes: bytes,
      'seed.recordsPerSec': Math.round(RECORDS / seedSeconds),
      'replay.seconds': Number(seconds.toFixed(2)),
      'replay.recordsPerSec': Math.round(RECORDS / seconds),
      'replay.mbPerSec': Number(((RECORDS * bytes) / seconds / 1e6).toFixed(1)),
    };
    console.log(`replay (canonical stage, no rate limit, ${PARTITIONS} partitions, ${RECORDS} records of ${bytes} B): ` +
      `${result['replay.recordsPerSec']} records/s re-published (${result['replay.seconds']} s, ${result['replay.mbPerSec']} MB/s); ` +
      `seeding ran at ${result['seed.recordsPerSec']} records/s; target ≥ 10000 records/s: ${result['replay.recordsPerSec'] >= 10000 ? 'met' : 'NOT met'}`);
    return result;
  } finally {
    await publisher.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

if (import.meta.main) await runReplayBench();
