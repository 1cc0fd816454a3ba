import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AuditEntry } from '@conduit/audit';
import { createPublisher } from '@conduit/bus';
import { Topics, openSealedPayload, sealedKeyId, subscriberTopic, type DlqRecord, type ProjectedEvent } from '@conduit/events';
import { metricValue } from '@conduit/metrics';
import { createRedisClient, createRedisDataKeyStore } from '@conduit/queue';
import { parseHl7, sendWithReferenceClient } from '@conduit/hl7v2';
import { SEEDED_PHI } from '../lib/phi-scan.ts';
import { demoAdtA01 } from './fixtures.ts';
import { getFreePort } from './free-port.ts';
import { startPipeline, type Pipeline } from './pipeline-harness.ts';

let pipeline: Pipeline;
let normalizeMetricsPort: number;
let projectMetricsPort: number;
before(async () => {
  normalizeMetricsPort = await getFreePort();
  projectMetricsPort = await getFreePort();
  pipeline = await startPipeline({ env: { normalize: { CONDUIT_METRICS_PORT: String(normalizeMetricsPort) }, project: { CONDUIT_METRICS_PORT: String(projectMetricsPort) } } });
});
after(async () => {
  await pipeline?.stop();
});

function projectedFor(topic: string, eventId: string) {
  return pipeline.read(topic, (seen) => seen.some((r) => (JSON.parse(r.value.toString()) as ProjectedEvent).sourceEventId === eventId)).then((records) =>
    records.map((r) => JSON.parse(r.value.toString()) as ProjectedEvent).find((e) => e.sourceEventId === eventId),
  );
}

test('an ADT^A01 over MLLP is acknowledged AA after storage and reaches each subscriber projected', async () => {
  const { message, controlId, eventId } = demoAdtA01();
  const ack = parseHl7(await sendWithReferenceClient({ host: '127.0.0.1', port: pipeline.mllpPort, message }));
  assert.equal(ack.segment('MSA')?.get(1), 'AA');
  assert.equal(ack.segment('MSA')?.get(2), controlId);
  assert.equal(ack.msh.get(9, 1, 1), 'ACK');

  const care = await projectedFor(subscriberTopic('care-management'), eventId);
  assert.ok(care, 'care-management received the event');
  assert.equal(care.subscriber, 'care-management');
  assert.equal(care.purposeOfUse, 'TREAT');
  assert.equal(care.eventType, 'patient-admitted');
  const patients = (care.bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === 'Patient');
  assert.equal(patients.length, 1);
  const patient = patients[0] as unknown as Record<string, unknown>;
  const allowed = new Set(['resourceType', 'id', 'identifier', 'name', 'gender', 'birthDate']);
  assert.deepEqual(Object.keys(patient).filter((k) => !allowed.has(k)), []);
  const identifiers = patient['identifier'] as { value: string; system: string }[];
  assert.equal(identifiers.length, 2);
  for (const id of identifiers) {
    assert.notEqual(id.value, 'MRN78123456');
    assert.equal(id.system, 'urn:conduit:token:care-management');
  }
  const json = JSON.stringify(care);
  assert.equal(json.includes('MRN78123456'), false, 'no raw MRN');
  assert.equal(json.includes('999-12-3456'), false, 'no raw SSN');
  assert.equal(patient['birthDate'], '1962-03-20');

  const research = await projectedFor(subscriberTopic('population-research'), eventId);
  assert.ok(research, 'population-research received the event');
  const researchJson = JSON.stringify(research);
  for (const phi of SEEDED_PHI) assert.equal(researchJson.includes(phi), false, `research output holds no ${phi.length}-character seeded value`);
  assert.notEqual(research.patientToken, care.patientToken, 'tokens differ across subscribers');
});

test('every projection of the ADT is accounted for by a disclosure entry on the audit inbox, free of PHI', async () => {
  const { message, eventId } = demoAdtA01();
  await sendWithReferenceClient({ host: '127.0.0.1', port: pipeline.mllpPort, message });
  const disclosures = (records: readonly { value: Buffer }[]) => records
    .map((r) => JSON.parse(r.value.toString('utf8')) as AuditEntry)
    .filter((e) => e.kind === 'disclosure' && e.targets.includes(eventId));
  const found = disclosures(await pipeline.read('conduit.audit.inbox.v1', (seen) => disclosures(seen).length >= 2));
  assert.deepEqual(found.map((e) => [e.details?.['subscriber'], e.details?.['purposeOfUse'], e.details?.['deidentified']]).sort(), [
    ['care-management', 'TREAT', false],
    ['population-research', 'HRESCH', true],
  ]);
  const trail = JSON.stringify(found);
  for (const phi of SEEDED_PHI) assert.equal(trail.includes(phi), false, 'a disclosure entry holds no seeded value');
});

/** Publishes a record that fails its topic's schema and returns its DLQ record, once the stage wrote it. */
async function deadLetterOf(topic: string, schema: string, plain: string): Promise<DlqRecord> {
  const eventId = randomUUID();
  const publisher = await createPublisher(pipeline.kafka);
  await publisher.publish([{ topic, key: `test:${eventId.slice(0, 8)}`, value: Buffer.from(plain), headers: { eventId, correlationId: eventId, schema, schemaVersion: '1' } }]);
  await publisher.disconnect();
  const mine = (records: readonly { value: Buffer }[]) => records.map((r) => JSON.parse(r.value.toString('utf8')) as DlqRecord).find((d) => d.sourceEventId === eventId);
  return mine(await pipeline.read(Topics.dlq, (seen) => mine(seen) !== undefined))!;
}

test('a raw record normalize cannot read is dead-lettered sealed: the DLQ topic holds ciphertext, its key is in Redis', async () => {
  const plain = JSON.stringify({ hl7: 'MSH|^~\\&|EPIC|GOODHEALTH|||20261122083000||ADT^A01|X1|P|2.5.1\rPID|1||MRN78123456^^^GOODHEALTH^MR||EVERYWOMAN^EVE' });
  const dead = await deadLetterOf(Topics.raw, 'raw-message', plain);
  assert.deepEqual([dead.stage, dead.errorCode], ['normalize', 'CDT_RECORD_INVALID']);
  assert.equal(dead.payload?.startsWith('cdt-seal:v1:'), true, 'the payload is sealed');
  for (const phi of SEEDED_PHI) assert.equal(JSON.stringify(dead).includes(phi), false);
  const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', connectionName: 'conduit-test', mode: 'fail-fast' });
  try {
    const keys = createRedisDataKeyStore(redis, { prefix: 'conduit' });
    assert.equal((await openSealedPayload(dead.payload!, keys))?.toString('utf8'), plain, 'ops can open it while the TTL lasts');
    const ttl = await redis.pttl(`conduit:{dlq}:key:${sealedKeyId(dead.payload!)}`);
    assert.ok(ttl > 0 && ttl <= 259200000, 'the data key expires with the stage TTL');
  } finally {
    redis.disconnect();
  }
});

test("normalize's metrics count this run's events by feed and type, its dead letter by code and the demo's unused fields, and hold no PHI", async () => {
  const text = await (await fetch(`http://127.0.0.1:${normalizeMetricsPort}/metrics`)).text();
  // Both ADTs sent above were normalized; the unreadable raw record was dead-lettered.
  assert.ok((metricValue(text, 'conduit_normalize_events_total', { listener: 'mllp-default', event_type: 'patient-admitted', message_type: 'ADT^A01' }) ?? 0) >= 2);
  assert.ok((metricValue(text, 'conduit_normalize_dead_lettered_total', { code: 'CDT_RECORD_INVALID' }) ?? 0) >= 1);
  assert.ok((metricValue(text, 'conduit_normalize_duration_seconds_count', { message_type: 'ADT^A01' }) ?? 0) >= 2);
  // The demo ADT sends EVN-1 and PID-18, which no mapping uses.
  assert.ok((metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-default', path: 'EVN-1' }) ?? 0) >= 2);
  assert.ok((metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-default', path: 'PID-18' }) ?? 0) >= 2);
  for (const phi of SEEDED_PHI) assert.equal(text.includes(phi), false, 'the metrics hold no seeded value');
});

test('a canonical record project cannot read is dead-lettered sealed, by the project stage', async () => {
  const dead = await deadLetterOf(Topics.canonical, 'canonical-event', JSON.stringify({ eventId: 'x', bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', name: [{ family: 'EVERYWOMAN' }] } }] } }));
  assert.deepEqual([dead.stage, dead.errorCode], ['project', 'CDT_RECORD_INVALID']);
  assert.equal(dead.payload?.startsWith('cdt-seal:v1:'), true, 'the payload is sealed');
  for (const phi of SEEDED_PHI) assert.equal(JSON.stringify(dead).includes(phi), false);
});

test("project's metrics count this run's events, each subscriber's projections and Safe Harbor, its dead letter by code, and hold no PHI", async () => {
  const text = await (await fetch(`http://127.0.0.1:${projectMetricsPort}/metrics`)).text();
  // Both ADTs sent above went to both demo subscribers; research's contract de-identifies.
  assert.ok((metricValue(text, 'conduit_project_events_total', { event_type: 'patient-admitted' }) ?? 0) >= 2);
  for (const subscriber of ['care-management', 'population-research']) {
    assert.ok((metricValue(text, 'conduit_project_projections_total', { subscriber, event_type: 'patient-admitted' }) ?? 0) >= 2, subscriber);
  }
  assert.ok((metricValue(text, 'conduit_project_deidentified_total', { subscriber: 'population-research' }) ?? 0) >= 2);
  assert.ok((metricValue(text, 'conduit_project_dead_lettered_total', { code: 'CDT_RECORD_INVALID' }) ?? 0) >= 1);
  assert.ok((metricValue(text, 'conduit_project_duration_seconds_count', {}) ?? 0) >= 2);
  for (const phi of SEEDED_PHI) assert.equal(text.includes(phi), false, 'the metrics hold no seeded value');
});

test('service logs of the run hold none of the sample patient name, MRN or birth date', () => {
  for (const s of pipeline.services) {
    const text = readFileSync(s.logFile, 'utf8');
    assert.ok(text.length > 0, `${s.name} wrote logs`);
    for (const phi of ['EVERYWOMAN', 'MRN78123456', '19620320', '1962-03-20']) {
      assert.equal(text.includes(phi), false, `${s.name} log leaks a seeded value`);
    }
  }
});
