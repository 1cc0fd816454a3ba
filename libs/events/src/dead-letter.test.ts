import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import type { InboundRecord } from '@conduit/bus';
import { deadLetterFor } from './dead-letter.ts';
import { MAX_RECORD_BYTES, jsonSurelyWithin } from './topics.ts';
import { createRecordValidators } from './validators.ts';
import { createPayloadSealer, openSealedPayload, type DataKeyStore } from './payload-seal.ts';
import type { DlqRecord } from './types.ts';

const input: InboundRecord = {
  topic: 'conduit.hl7v2.raw.v1', partition: 2, offset: '41', timestamp: 0, key: 'pk_hash',
  value: Buffer.from('{"hl7":"PID|1||MRN78123456"}'), headers: { eventId: 'ev-1', correlationId: 'c-1' },
};
const at = () => new Date('2026-11-22T10:00:00.000Z');

test('without a sealer the factory stays synchronous and keeps the payload as read', () => {
  const [record] = deadLetterFor('normalize', at)(input, new ConduitError('CDT_RECORD_INVALID', '/hl7 must be string'));
  const value = record!.value as DlqRecord;
  assert.equal(record!.topic, 'conduit.dlq.v1');
  assert.deepEqual(value, {
    stage: 'normalize', errorCode: 'CDT_RECORD_INVALID', errorDetail: '/hl7 must be string', attempts: 1,
    firstFailureAt: '2026-11-22T10:00:00.000Z', lastFailureAt: '2026-11-22T10:00:00.000Z', sourceEventId: 'ev-1',
    source: { topic: 'conduit.hl7v2.raw.v1', partition: 2, offset: '41' }, payload: input.value.toString('utf8'),
  });
  assert.equal(record!.headers.keyId, undefined);
});

test('with a sealer the payload is sealed under a stored key named in the key-id header', async () => {
  const stored = new Map<string, Buffer>();
  const keys: DataKeyStore = {
    put: (id, key) => { stored.set(id, key); return Promise.resolve(); },
    get: (id) => Promise.resolve(stored.get(id) ?? null),
    destroy: (ids) => Promise.resolve(ids.filter((id) => stored.delete(id)).length),
  };
  const factory = deadLetterFor('normalize', { now: at, sealer: createPayloadSealer({ keys, ttlMs: 1000 }), topic: 'test.dlq' });
  const [record] = await factory(input, new Error('boom'));
  const value = record!.value as DlqRecord;
  assert.equal(record!.topic, 'test.dlq');
  assert.equal(value.errorCode, 'CDT_INTERNAL');
  assert.equal(value.payload!.includes('MRN78123456'), false);
  assert.ok(record!.headers.keyId && stored.has(record!.headers.keyId));
  assert.deepEqual(await openSealedPayload(value.payload!, keys), input.value);
});

test('onDeadLettered hears each record\'s code once it is built, and nothing when sealing fails', async () => {
  const heard: string[] = [];
  let failPut = true;
  const keys: DataKeyStore = {
    put: () => (failPut ? Promise.reject(new Error('redis down')) : Promise.resolve()),
    get: () => Promise.resolve(null),
    destroy: () => Promise.resolve(0),
  };
  const factory = deadLetterFor('project', { now: at, sealer: createPayloadSealer({ keys, ttlMs: 1000 }), onDeadLettered: (code) => heard.push(code) });
  await assert.rejects(factory(input, new ConduitError('CDT_RECORD_INVALID')), /redis down/);
  assert.equal(heard.length, 0, 'a record whose seal failed does not exist yet');
  failPut = false;
  await factory(input, new ConduitError('CDT_RECORD_INVALID'));
  deadLetterFor('normalize', { now: at, onDeadLettered: (code) => heard.push(code) })(input, new Error('boom'));
  assert.deepEqual(heard, ['CDT_RECORD_INVALID', 'CDT_INTERNAL']);
});

test('a payload that would take the DLQ record past the topic limit is left out, marked, and no key is stored for it', async () => {
  const validators = createRecordValidators();
  const stored = new Map<string, Buffer>();
  const keys: DataKeyStore = {
    put: (id, key) => { stored.set(id, key); return Promise.resolve(); },
    get: (id) => Promise.resolve(stored.get(id) ?? null),
    destroy: (ids) => Promise.resolve(ids.filter((id) => stored.delete(id)).length),
  };
  // The largest raw record ingest writes: an 8 MiB frame and its receipt.
  const large: InboundRecord = { ...input, value: Buffer.alloc(8 * 1024 * 1024 + 600, 0x41) };
  const sealed = deadLetterFor('normalize', { now: at, sealer: createPayloadSealer({ keys, ttlMs: 1000 }) });
  for (const [record] of [await sealed(large, new ConduitError('CDT_RECORD_TOO_LARGE', 'test')), deadLetterFor('normalize', at)({ ...input, value: Buffer.alloc(11 * 1024 * 1024, 0x41) }, new Error('x'))]) {
    const value = record!.value as DlqRecord;
    assert.equal(value.payload, undefined);
    assert.equal(value.payloadOmitted, true);
    assert.deepEqual(value.source, { topic: 'conduit.hl7v2.raw.v1', partition: 2, offset: '41' });
    assert.equal(record!.headers.keyId, undefined);
    assert.equal(validators.dlq(value), true, 'a valid DLQ record');
    assert.ok(Buffer.byteLength(JSON.stringify(value)) <= MAX_RECORD_BYTES);
  }
  assert.equal(stored.size, 0, 'no data key for a payload not kept');
  // Up to the limit the payload is kept, sealed or as read.
  const fits: InboundRecord = { ...input, value: Buffer.alloc(7 * 1024 * 1024, 0x41) };
  const [kept] = await sealed(fits, new Error('x'));
  assert.ok((kept!.value as DlqRecord).payload?.startsWith('cdt-seal:v1:'));
  assert.ok(Buffer.byteLength(JSON.stringify(kept!.value)) <= MAX_RECORD_BYTES);
  const [plain] = deadLetterFor('normalize', at)({ ...input, value: Buffer.alloc(9 * 1024 * 1024, 0x41) }, new Error('x'));
  assert.equal((plain!.value as DlqRecord).payload?.length, 9 * 1024 * 1024);
});

test('the JSON size bound holds for the worst string: control characters encode to six bytes each', () => {
  const worst = '\u0001'.repeat(1000);
  const encoded = Buffer.byteLength(JSON.stringify(worst));
  assert.equal(encoded, 6 * 1000 + 2);
  assert.equal(jsonSurelyWithin(worst.length, encoded), true);
  assert.equal(jsonSurelyWithin(worst.length, encoded - 1), false);
  for (const s of ['é'.repeat(1000), '😀'.repeat(500), '"\\'.repeat(500)]) assert.ok(Buffer.byteLength(JSON.stringify(s)) <= 6 * s.length + 2, s.slice(0, 4));
});
