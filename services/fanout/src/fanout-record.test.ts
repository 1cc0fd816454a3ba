import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InboundRecord } from '@conduit/bus';
import { createRecordValidators, type ProjectedEvent } from '@conduit/events';
import { deliveryIdFor } from '@conduit/queue';
import { routeRecord, subscriberRecord } from './fanout-record.ts';

const validators = createRecordValidators();
const event: ProjectedEvent = {
  eventId: 'e-1', sourceEventId: 's-1', eventType: 'patient-admitted', subscriber: 'care', purposeOfUse: 'TREAT', contractVersion: '1',
  occurredAt: '2026-01-01T00:00:00Z', patientToken: 'tok-A', bundle: { resourceType: 'Bundle', type: 'collection', entry: [] },
};
function inbound(e: object, headers: InboundRecord['headers'] = {}): InboundRecord {
  return { topic: 'conduit.projected.v1', partition: 1, offset: '5', timestamp: 0, key: 'global-patient-hash', value: Buffer.from(JSON.stringify(e)), headers };
}

test('the pull record is keyed by the subscriber patient token, never the global patient key, and numbered', () => {
  const input = inbound(event, { correlationId: 'c-1', traceparent: '00-a-b-01' });
  const routed = routeRecord(input, { validators, subscribers: new Set(['care']) });
  assert.deepEqual([routed.deliveryId, routed.lane], ['e-1', 'tok-A']);
  const record = subscriberRecord(input, routed, 7);
  assert.deepEqual(record, {
    topic: 'conduit.sub.care.v1', key: 'tok-A', value: { ...event, sequence: 7 },
    headers: { eventId: 'e-1', correlationId: 'c-1', schema: 'projected-event', schemaVersion: '1', traceparent: '00-a-b-01' },
  });
});

test('events without a patient share their source lane; replays get their own delivery id; strangers are refused', () => {
  const noPatient = { ...event, patientToken: undefined };
  const routed = routeRecord({ ...inbound(noPatient, { replayId: 'r-9' }), key: 'EPIC|GOODHEALTH' }, { validators, subscribers: new Set(['care']) });
  assert.deepEqual([routed.lane, routed.deliveryId], ['source:EPIC|GOODHEALTH', deliveryIdFor('e-1', 'r-9')]);
  assert.throws(() => routeRecord(inbound(event), { validators, subscribers: new Set(['other']) }), (e: Error & { code?: string }) => e.code === 'CDT_FANOUT_UNKNOWN_SUBSCRIBER');
  assert.throws(() => routeRecord(inbound({ eventId: 'x' }), { validators, subscribers: new Set(['care']) }), (e: Error & { code?: string }) => e.code === 'CDT_RECORD_INVALID');
});

test('the withheld categories stay on conduit.projected.v1: the subscriber never learns what was held back', () => {
  const input = inbound({ ...event, withheld: ['substance-use'] });
  const routed = routeRecord(input, { validators, subscribers: new Set(['care']) });
  assert.equal('withheld' in routed.event, false);
  const record = subscriberRecord(input, routed, 1);
  assert.equal(JSON.stringify(record.value).includes('substance-use'), false);
});
