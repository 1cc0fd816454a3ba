import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import type { InboundRecord } from '@conduit/bus';
import { deadLetterFor } from './dead-letter.ts';
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
