import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainedAuditRecord } from '@conduit/audit';
import { createPublisher, runStage, type Publisher, type RunningStage } from '@conduit/bus';
import { createPayloadSealer, createRecordValidators, deadLetterFor, decodeRecord, openSealedPayload, type DlqRecord } from '@conduit/events';
import { createLogger } from '@conduit/log';
import { createRedisDataKeyStore } from '@conduit/queue';
import { SEEDED_PHI } from '../lib/phi-scan.ts';
import { eventually, startOps, type OpsHarness } from './ops-harness.ts';

const TTL_MS = 8000;
const LONG_TTL_MS = 120000;
// A raw record that fails its schema (no receipt metadata) and carries the seeded PHI.
const MALFORMED = JSON.stringify({ hl7: 'MSH|^~\\&|EPIC|GOODHEALTH|||20261122083000||ADT^A01|X1|P|2.5.1\rPID|1||MRN78123456^^^GOODHEALTH^MR||EVERYWOMAN^EVE||19620320|F' });

let ops: OpsHarness;
let publisher: Publisher;
const stages: RunningStage[] = [];

interface Entry { id: string; stage: string; errorCode: string; attempts: number; status: string; sourceEventId: string; keyId?: string; expiresAt: string }

before(async () => {
  ops = await startOps({ env: { CONDUIT_DLQ_TTL_MS: String(LONG_TTL_MS), CONDUIT_DLQ_TTL_BY_STAGE: `normalize=${TTL_MS}`, CONDUIT_PURGE_INTERVAL_MS: '250' }, dlqRetentionMs: LONG_TTL_MS });
  publisher = await createPublisher(ops.kafka);
  const validators = createRecordValidators();
  const keys = createRedisDataKeyStore(ops.redis, { prefix: ops.redisPrefix });
  const logger = createLogger({ name: 'ops-dlq-test', level: 'silent' });
  // Two stages as services run them once they pass a sealer (see the report): the TTL of each stage
  // is the life of its data keys.
  for (const [stage, ttlMs] of [['normalize', TTL_MS], ['project', LONG_TTL_MS]] as const) {
    stages.push(await runStage({
      kafka: ops.kafka, groupId: `test-${ops.run}-${stage}`, topics: [`${ops.topics.input}`], publisher, logger,
      handle: (record) => (record.key?.startsWith(`${stage}:`) ? (decodeRecord(validators.raw, record.value), []) : []),
      deadLetter: deadLetterFor(stage, { sealer: createPayloadSealer({ keys, ttlMs }), topic: ops.topics.dlq }),
    }));
  }
});
after(async () => {
  for (const s of stages) await s.stop();
  await publisher?.disconnect();
  await ops?.stop();
});

async function fail(stage: 'normalize' | 'project'): Promise<string> {
  const eventId = randomUUID();
  await publisher.publish([{ topic: ops.topics.input, key: `${stage}:${eventId.slice(0, 8)}`, value: Buffer.from(MALFORMED), headers: { eventId, correlationId: eventId, schema: 'raw-message', schemaVersion: '1' } }]);
  return eventId;
}

async function listed(token: string, eventId: string, check: (e: Entry) => boolean = () => true): Promise<Entry> {
  return eventually(async () => {
    const page = await ops.api('GET', '/v1/dlq?limit=500', { token });
    return (page.body['entries'] as Entry[]).find((e) => e.sourceEventId === eventId && check(e));
  });
}

const chained = (records: readonly { value: Buffer }[]) => records.map((r) => JSON.parse(r.value.toString('utf8')) as ChainedAuditRecord);

test('a malformed message is listed, inspected with an audit entry, retried, and gone from every store after its TTL', async () => {
  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const eventId = await fail('normalize');
  const first = await listed(admin, eventId);
  assert.deepEqual({ stage: first.stage, code: first.errorCode, attempts: first.attempts, status: first.status }, { stage: 'normalize', code: 'CDT_RECORD_INVALID', attempts: 1, status: 'failed' });
  const listing = JSON.stringify((await ops.api('GET', `/v1/dlq/${first.id}`, { token: admin })).body);
  for (const phi of SEEDED_PHI) assert.equal(listing.includes(phi), false, 'metadata holds no payload value');

  const operator = await ops.token({ sub: 'op', roles: ['operator'] });
  assert.equal((await ops.api('POST', `/v1/dlq/${first.id}/inspect`, { token: operator, body: { reason: 'curious' } })).status, 403, 'no phi:read');
  const inspected = await ops.api('POST', `/v1/dlq/${first.id}/inspect`, { token: admin, body: { reason: 'INC-7 fix mapping' } });
  assert.equal(inspected.status, 200);
  assert.equal(inspected.body['payload'], MALFORMED);

  const viaCli = await ops.cli(['dlq', 'inspect', first.id, '--reason', 'INC-7 second look'], { token: admin });
  assert.equal(viaCli.code, 0, viaCli.stderr);
  assert.equal(viaCli.stdout.trim(), MALFORMED);

  // Retry writes it back to the stage's input; it fails again and the same entry counts two attempts.
  const retried = await ops.api('POST', '/v1/dlq/retry', { token: admin, body: { ids: [first.id], reason: 'INC-7 retry after fix' } });
  assert.deepEqual(retried.body, { retried: [first.id], gone: [], missing: [] });
  const second = await listed(admin, eventId, (e) => e.attempts === 2);
  assert.equal(second.id, first.id);
  assert.equal(second.status, 'failed');
  assert.notEqual(second.keyId, first.keyId);
  assert.equal(await ops.redis.exists(`${ops.redisPrefix}:{dlq}:key:${first.keyId}`), 0, 'the superseded payload key is destroyed at once');

  const audit = chained(await ops.readTopic(ops.topics.audit, (seen) => chained(seen).filter((r) => r.entry.action === 'dlq.payload.read').length >= 3));
  const reads = audit.filter((r) => r.entry.action === 'dlq.payload.read').map((r) => ({ subject: r.entry.actor.subject, outcome: r.entry.outcome, targets: r.entry.targets, reason: r.entry.reason }));
  assert.deepEqual(reads, [
    { subject: 'op', outcome: 'denied', targets: [], reason: undefined },
    { subject: 'oncall', outcome: 'success', targets: [first.id], reason: 'INC-7 fix mapping' },
    { subject: 'oncall', outcome: 'success', targets: [first.id], reason: 'INC-7 second look' },
  ]);
  const trail = JSON.stringify(audit);
  for (const phi of SEEDED_PHI) assert.equal(trail.includes(phi), false, 'the audit trail holds no payload value');

  // After the TTL: not listable, not inspectable, no Redis key holds it, the purge is on record.
  await eventually(async () => ((await ops.api('GET', '/v1/dlq?stage=normalize', { token: admin })).body['entries'] as Entry[]).length === 0 || undefined, TTL_MS + 10000);
  const gone = await ops.api('POST', `/v1/dlq/${first.id}/inspect`, { token: admin, body: { reason: 'after TTL' } });
  assert.equal(gone.status, 404);
  assert.equal(gone.body['code'], 'CDT_DLQ_NOT_FOUND');
  await eventually(async () => ((await ops.redis.exists(`${ops.redisPrefix}:{dlq}:entry:${first.id}`)) === 0 ? true : undefined), 5000);
  for (const key of await ops.redisKeys()) {
    const type = await ops.redis.type(key);
    const dump = type === 'string' ? await ops.redis.get(key) : type === 'hash' ? JSON.stringify(await ops.redis.hgetall(key)) : type === 'zset' ? JSON.stringify(await ops.redis.zrange(key, '0', '-1')) : type === 'list' ? JSON.stringify(await ops.redis.lrange(key, '0', '-1')) : '';
    for (const needle of [...SEEDED_PHI, 'cdt-seal', second.keyId!, first.keyId!]) assert.equal((dump ?? '').includes(needle), false, `${key} (${type}) holds ${needle.slice(0, 8)}…`);
  }

  // A consumer reading the DLQ topic from the beginning finds only ciphertext whose key is gone.
  const keys = createRedisDataKeyStore(ops.redis, { prefix: ops.redisPrefix });
  const dlqRecords = await ops.readTopic(ops.topics.dlq, (seen) => seen.length >= 2, 5000);
  for (const r of dlqRecords) {
    const value = JSON.parse(r.value.toString('utf8')) as DlqRecord;
    if (value.stage !== 'normalize') continue;
    for (const phi of SEEDED_PHI) assert.equal(r.value.toString('utf8').includes(phi), false);
    assert.equal(await openSealedPayload(value.payload!, keys), null, 'its data key is destroyed');
  }

  const purges = chained(await ops.readTopic(ops.topics.audit, (seen) => chained(seen).some((r) => r.entry.action === 'dlq.purge.ttl')));
  const purge = purges.find((r) => r.entry.action === 'dlq.purge.ttl')!;
  assert.deepEqual({ kind: purge.entry.kind, targets: purge.entry.targets, outcome: purge.entry.outcome }, { kind: 'system', targets: [first.id], outcome: 'success' });
  const runs = await ops.api('GET', '/v1/purges', { token: admin });
  assert.equal((runs.body['runs'] as { entries: number }[])[0]?.entries, 1);
});

test('an operator purge before the TTL shreds the payload at once and is audited with its reason', async () => {
  const admin = await ops.token({ sub: 'oncall', roles: ['admin'] });
  const eventId = await fail('project');
  const entry = await listed(admin, eventId);
  assert.equal(Date.parse(entry.expiresAt) - Date.now() > 60000, true, 'the project stage keeps its longer TTL');
  const cli = await ops.cli(['dlq', 'purge', entry.id, '--reason', 'INC-8 sender resent', '--json'], { token: admin });
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), { purged: [entry.id], missing: [], keysDestroyed: 1 });
  assert.equal((await ops.api('GET', `/v1/dlq/${entry.id}`, { token: admin })).status, 404);
  assert.equal(await ops.redis.exists(`${ops.redisPrefix}:{dlq}:key:${entry.keyId}`), 0);
  const audit = chained(await ops.readTopic(ops.topics.audit, (seen) => chained(seen).some((r) => r.entry.action === 'dlq.purge')));
  const purge = audit.find((r) => r.entry.action === 'dlq.purge')!;
  assert.deepEqual({ targets: purge.entry.targets, reason: purge.entry.reason, details: purge.entry.details }, { targets: [entry.id], reason: 'INC-8 sender resent', details: { purged: 1, keys: 1 } });
});

test('the ops log holds no seeded PHI', () => {
  const text = readFileSync(ops.process().logFile, 'utf8');
  assert.ok(text.length > 0);
  for (const phi of SEEDED_PHI) assert.equal(text.includes(phi), false, `ops log leaks a ${phi.length}-character value`);
});
