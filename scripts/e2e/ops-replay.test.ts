import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumeRange, createPublisher, deriveEventId, fetchWatermarks, type Publisher } from '@conduit/bus';
import { SchemaIds, Topics, subscriberTopic, type CanonicalEvent, type ProjectedEvent } from '@conduit/events';
import { serviceEnv } from '../lib/service-env.ts';
import { spawnService, type ServiceProcess } from '../lib/service-process.ts';
import { eventually, startOps, type OpsHarness } from './ops-harness.ts';

const id = randomUUID().slice(0, 8);
const facility = `FAC${id.toUpperCase()}`;
const groupPrefix = `test-rp-${id}`;
const subs = { target: `rp-${id}-target`, optedOut: `rp-${id}-optout`, other: `rp-${id}-other` };
const COUNT = 100;
const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const contractsDir = mkdtempSync(join(tmpdir(), 'conduit-rp-contracts-'));

let ops: OpsHarness;
let publisher: Publisher;
let project: ServiceProcess;
let fanout: ServiceProcess;
let window: { from: string; to: string };
/** Until when project had written the live projections (the subscriber stage's window). */
let projectedUntil: string;
const sourceIds = new Set<string>();

function writeContract(subscriber: string, patientElements: readonly string[], version: string, replays: boolean): void {
  writeFileSync(join(contractsDir, `${subscriber}.json`), JSON.stringify({
    id: subscriber, version, owner: 'ops replay test', purposeOfUse: 'TREAT',
    events: { eventTypes: ['patient-admitted'], facilities: [facility], replays },
    projection: { allow: { Patient: patientElements }, identifiers: 'tokenize' },
    channels: { kafka: { retentionMs: 3600000 } },
  }));
}

function canonicalEvent(i: number): CanonicalEvent {
  const eventId = deriveEventId('RPTEST', facility, String(i));
  const patientId = deriveEventId('patient', id, String(i));
  return {
    eventId, eventType: 'patient-admitted', messageType: 'ADT^A01', source: { application: 'RPTEST', facility, listener: 'test' },
    occurredAt: '2026-11-22T08:30:00-05:00', receivedAt: new Date().toISOString(), patientKey: `pk-${id}-${i}`, rawEventId: eventId,
    bundle: {
      resourceType: 'Bundle', id: eventId, type: 'collection',
      entry: [{ fullUrl: `urn:uuid:${patientId}`, resource: {
        resourceType: 'Patient', id: patientId, gender: 'female', birthDate: '1971-02-03', name: [{ family: `Testfamily${i}`, given: ['Tess'] }],
        identifier: [{ value: `T${id}${i}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
      } }],
    },
  };
}

const startProject = () => spawnService('project', { ...serviceEnv('project', { kafkaBrokers, mllpPort: 1, groupPrefix, contractsDir }), CONDUIT_LOG_LEVEL: 'warn' }, join(tmpdir(), `project-${id}.log`));

function projected(records: readonly { value: Buffer }[]): ProjectedEvent[] {
  return records.map((r) => JSON.parse(r.value.toString('utf8')) as ProjectedEvent).filter((e) => sourceIds.has(e.sourceEventId));
}

/** Every record of a topic up to its current end, read once (nothing published before is missed). */
async function readToEnd(topic: string, from?: ReadonlyMap<number, string>) {
  const marks = await fetchWatermarks(ops.kafka, topic);
  const out: { value: Buffer; replayId: string | undefined }[] = [];
  await consumeRange({
    kafka: ops.kafka, topic,
    ranges: marks.map((m) => ({ partition: m.partition, start: from?.get(m.partition) ?? m.low, end: m.high })),
    onBatch: async (b) => void out.push(...b.records.map((r) => ({ value: r.value, replayId: r.headers.replayId }))),
  });
  return { records: out, marks: new Map(marks.map((m) => [m.partition, m.high])) };
}

before(async () => {
  writeContract(subs.target, ['identifier', 'gender'], '1', true);
  writeContract(subs.optedOut, ['gender'], '1', false);
  writeContract(subs.other, ['gender'], '1', true);
  ops = await startOps({ groupPrefix, contractsDir, env: { CONDUIT_REPLAY_MAX_RATE_PER_SECOND: '0', CONDUIT_LOG_LEVEL: 'warn' } });
  publisher = await createPublisher(ops.kafka);
  project = startProject();
  fanout = spawnService('fanout', {
    ...serviceEnv('fanout', { kafkaBrokers, mllpPort: 1, groupPrefix, contractsDir, redisUrl }),
    CONDUIT_DLQ_TOPIC: ops.topics.dlq, CONDUIT_REDIS_PREFIX: `test-rp-${id}`, CONDUIT_LOG_LEVEL: 'warn',
  }, join(tmpdir(), `fanout-${id}.log`));
});
after(async () => {
  await Promise.all([project?.stop(), fanout?.stop()]);
  await publisher?.disconnect();
  const keys = await ops.redis.keys(`test-rp-${id}:*`);
  if (keys.length > 0) await ops.redis.del(...keys);
  const admin = ops.kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(subs).map(subscriberTopic) }).catch(() => undefined);
  await admin.disconnect();
  await ops?.stop();
  rmSync(contractsDir, { recursive: true, force: true });
});

test('100 events go through; after a contract change a canonical replay re-projects them for that subscriber only', async () => {
  const from = new Date(Date.now() - 1000).toISOString();
  const events = Array.from({ length: COUNT }, (_, i) => canonicalEvent(i));
  for (const e of events) sourceIds.add(e.eventId);
  await publisher.publish(events.map((e) => ({
    topic: Topics.canonical, key: e.patientKey ?? null, value: e,
    headers: { eventId: e.eventId, correlationId: e.eventId, schema: SchemaIds.canonical.name, schemaVersion: SchemaIds.canonical.version },
  })));
  window = { from, to: new Date(Date.now() + 1).toISOString() };
  // fanout creates the subscriber topics from the contracts when it starts.
  await eventually(async () => {
    const admin = ops.kafka.admin();
    await admin.connect();
    const names = await admin.listTopics().finally(() => admin.disconnect());
    return names.includes(subscriberTopic(subs.target)) || undefined;
  }, 60000, 250);
  const live = projected(await ops.readTopic(subscriberTopic(subs.target), (seen) => projected(seen).length >= COUNT, 90000));
  assert.equal(live.length, COUNT);
  assert.equal(live.some((e) => e.replay === true), false);
  projectedUntil = new Date().toISOString();
  const patient = (e: ProjectedEvent) => e.bundle.entry?.[0]?.resource as unknown as Record<string, unknown>;
  assert.equal(patient(live[0]!)['birthDate'], undefined, 'contract v1 does not deliver birthDate');

  // The contract changes (birthDate added) and project restarts on it.
  writeContract(subs.target, ['identifier', 'gender', 'birthDate'], '2', true);
  await project.stop();
  project = startProject();

  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const before = await fetchWatermarks(ops.kafka, Topics.canonical);
  const dry = await ops.cli(['replay', 'create', '--stage', 'canonical', '--from', window.from, '--to', window.to, '--facility', facility,
    '--subscriber', subs.target, '--dry-run', '--reason', 'INC-9 check scope', '--json', '--poll-ms', '200'], { token: admin });
  assert.equal(dry.code, 0, dry.stderr);
  const dryView = JSON.parse(dry.stdout) as { status: string; dryRun: boolean; counts: { matched: number; published: number } };
  assert.deepEqual({ status: dryView.status, dryRun: dryView.dryRun, matched: dryView.counts.matched, published: dryView.counts.published }, { status: 'completed', dryRun: true, matched: COUNT, published: 0 });
  assert.deepEqual(await fetchWatermarks(ops.kafka, Topics.canonical), before, 'a dry run writes nothing');

  const run = await ops.cli(['replay', 'create', '--stage', 'canonical', '--from', window.from, '--to', window.to, '--facility', facility,
    '--subscriber', subs.target, '--rate', 'unlimited', '--reason', 'INC-9 contract v2', '--wait', '--json', '--poll-ms', '200'], { token: admin });
  assert.equal(run.code, 0, run.stderr);
  const view = JSON.parse(run.stdout) as { id: string; status: string; progress: number; counts: { matched: number; published: number } };
  assert.deepEqual({ status: view.status, progress: view.progress, matched: view.counts.matched, published: view.counts.published }, { status: 'completed', progress: 1, matched: COUNT, published: COUNT });
  assert.match(run.stderr, /\[#{30}\] 100%/);

  const replayed = projected(await ops.readTopic(subscriberTopic(subs.target), (seen) => projected(seen).filter((e) => e.replay === true).length >= COUNT, 90000)).filter((e) => e.replay === true);
  assert.equal(new Set(replayed.map((e) => e.sourceEventId)).size, COUNT, 'each event re-projected once');
  assert.ok(replayed.every((e) => e.contractVersion === '2' && patient(e)['birthDate'] === '1971-02-03'), 'the current contract applied');

  // Everything project wrote for this replay is in the projected topic before its current end.
  const out = (await readToEnd(Topics.projected)).records.filter((r) => r.replayId === view.id).map((r) => JSON.parse(r.value.toString('utf8')) as ProjectedEvent);
  assert.equal(out.filter((e) => e.subscriber === subs.target).length, COUNT);
  assert.equal(out.filter((e) => e.subscriber === subs.optedOut).length, 0, 'a subscriber that opted out of replays is skipped');
});

test('a replay for one subscriber reaches no other subscriber that accepts replays', async () => {
  const replays = (await (await ops.api('GET', '/v1/replays', { token: await ops.token({ roles: ['viewer'] }) })).body['replays']) as { id: string; dryRun: boolean }[];
  const real = replays.find((r) => !r.dryRun)!;
  const out = (await readToEnd(Topics.projected)).records.filter((r) => r.replayId === real.id).map((r) => JSON.parse(r.value.toString('utf8')) as ProjectedEvent);
  assert.deepEqual([...new Set(out.map((e) => e.subscriber))], [subs.target]);
});

test('route health shows each stage\'s consumer group with its lag, and whether Kafka deletes DLQ data in time', async () => {
  const health = await ops.cli(['health', '--json'], { token: await ops.token({ roles: ['viewer'] }) });
  assert.equal(health.code, 7, 'normalize is not running in this test: degraded');
  const h = JSON.parse(health.stdout) as { ok: boolean; consumers: { service: string; alive: boolean; members: number; lag: number }[]; dlqRetention: Record<string, unknown> };
  const by = Object.fromEntries(h.consumers.map((c) => [c.service, c]));
  assert.deepEqual({ alive: by['project']?.alive, members: by['project']?.members }, { alive: true, members: 1 });
  assert.equal(by['fanout']?.alive, true);
  assert.equal(by['normalize']?.alive, false);
  assert.equal(typeof by['project']?.lag, 'number');
  assert.deepEqual(h.dlqRetention, { topic: ops.topics.dlq, ttlMs: 259200000, retentionMs: 259200000, segmentMs: 1000, deletedWithinMs: 259201000, ok: true });
});

test('a subscriber-stage replay re-delivers that subscriber\'s projected events, marked as replays', async () => {
  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const created = await ops.api('POST', '/v1/replays', { token: admin, body: { stage: 'subscriber', from: window.from, to: projectedUntil, selectors: { subscriber: subs.target }, ratePerSecond: 'unlimited', reason: 'INC-12 subscriber lost data' } });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const rid = created.body['id'] as string;
  const done = await eventually(async () => {
    const v = (await ops.api('GET', `/v1/replays/${rid}`, { token: admin })).body;
    return v['status'] === 'completed' ? v : undefined;
  }, 30000);
  assert.equal((done['counts'] as { published: number }).published, COUNT, 'the originals only, not earlier replays');
  const mine = (seen: readonly { headers: { replayId?: string } }[]) => seen.filter((r) => r.headers.replayId === rid);
  const delivered = mine(await ops.readTopic(subscriberTopic(subs.target), (seen) => mine(seen).length >= COUNT, 60000));
  const events = projected(delivered as unknown as { value: Buffer }[]);
  assert.equal(events.length, COUNT);
  assert.ok(events.every((e) => e.replay === true && e.subscriber === subs.target));
});

test('a cancelled replay stops: nothing more is written after it says cancelled', async () => {
  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const start = (await readToEnd(Topics.canonical)).marks;
  const created = await ops.api('POST', '/v1/replays', { token: admin, body: { stage: 'canonical', ...window, selectors: { facilities: [facility], subscriber: subs.target }, ratePerSecond: 10, reason: 'INC-10 slow' } });
  assert.equal(created.status, 202);
  const rid = created.body['id'] as string;
  await eventually(async () => (((await ops.api('GET', `/v1/replays/${rid}`, { token: admin })).body['counts'] as { published: number }).published > 0 || undefined), 20000);
  const cancel = await ops.cli(['replay', 'cancel', rid, '--reason', 'INC-10 wrong window'], { token: admin });
  assert.equal(cancel.code, 0, cancel.stderr);
  const ended = await eventually(async () => {
    const v = (await ops.api('GET', `/v1/replays/${rid}`, { token: admin })).body;
    return v['status'] === 'cancelled' ? v : undefined;
  });
  const published = (ended['counts'] as { published: number }).published;
  assert.ok(published > 0 && published < COUNT, `stopped part-way (${published})`);
  const written = (await readToEnd(Topics.canonical, start)).records.filter((r) => r.replayId === rid).length;
  assert.equal(written, published);
  assert.equal((await ops.cli(['replay', 'cancel', rid], { token: admin })).code, 6, 'an ended replay cannot be cancelled again (409)');
});

test('a replay resumes from its checkpoint after an ops restart and writes each record once', async () => {
  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const start = (await readToEnd(Topics.canonical)).marks;
  const created = await ops.api('POST', '/v1/replays', { token: admin, body: { stage: 'canonical', ...window, selectors: { facilities: [facility], subscriber: subs.target }, ratePerSecond: 40, reason: 'INC-11 restart drill' } });
  const rid = created.body['id'] as string;
  await eventually(async () => (((await ops.api('GET', `/v1/replays/${rid}`, { token: admin })).body['progress'] as number) >= 0.2 || undefined), 20000);
  await ops.restart();
  const done = await eventually(async () => {
    const v = (await ops.api('GET', `/v1/replays/${rid}`, { token: admin })).body;
    return v['status'] === 'completed' ? v : undefined;
  }, 30000);
  assert.equal((done['counts'] as { published: number }).published, COUNT);
  const written = (await readToEnd(Topics.canonical, start)).records.filter((r) => r.replayId === rid);
  const ids = written.map((r) => (JSON.parse(r.value.toString('utf8')) as CanonicalEvent).eventId);
  assert.deepEqual(ids.filter((x, i) => ids.indexOf(x) !== i), [], 'no record written twice');
  assert.equal(written.length, COUNT);
});
