import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RangeRecord } from '@conduit/bus';
import { createRecordSelector } from './select-record.ts';
import type { ReplaySpec } from './replay-spec.ts';

const spec = (over: Partial<ReplaySpec>): ReplaySpec => ({
  stage: 'canonical', from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T11:00:00.000Z', selectors: {}, dryRun: false, ratePerSecond: null, reason: 'r', ...over,
});
const inWindow = Date.parse('2026-11-22T10:30:00Z');
const record = (value: unknown, over: Partial<RangeRecord> = {}): RangeRecord => ({
  partition: 1, offset: '5', timestamp: inWindow, key: 'pk1', value: Buffer.from(JSON.stringify(value)),
  headers: { eventId: 'ev1', correlationId: 'c1', schema: 'canonical-event', schemaVersion: '1', traceparent: 'tp' }, ...over,
});
const canonical = { eventId: 'ev1', messageType: 'ADT^A01', source: { facility: 'GOODHEALTH' }, patientKey: 'pk1', bundle: {} };

test('canonical: the window and selectors choose; the replay id goes into header and value', () => {
  const select = createRecordSelector(spec({ selectors: { facilities: ['GOODHEALTH'], messageTypes: ['ADT^A01'], subscriber: 'care-management' } }), { replayId: 'rp_1', topic: 'out' });
  const out = select(record(canonical));
  assert.deepEqual(out, {
    topic: 'out', key: 'pk1', value: { ...canonical, replayId: 'rp_1' },
    headers: { eventId: 'ev1', correlationId: 'c1', schema: 'canonical-event', schemaVersion: '1', traceparent: 'tp', replayId: 'rp_1', replaySubscribers: 'care-management' },
  });
  assert.equal(select(record(canonical, { timestamp: Date.parse('2026-11-22T11:00:00Z') })), null, 'the window end is exclusive');
  assert.equal(select(record({ ...canonical, source: { facility: 'OTHER' } })), null);
  assert.equal(select(record({ ...canonical, messageType: 'ORU^R01' })), null);
  assert.equal(select({ ...record(canonical), value: Buffer.from('not json') }), null);
  assert.equal(select(record(canonical, { headers: { eventId: 'ev1', replayId: 'rp_0' } })), null, 'an earlier replay\'s copy is not replayed again');
});

test('raw: bytes are re-published unchanged; patient tokens match the record key; error codes the failed ids', () => {
  const raw = { header: { messageCode: 'ADT', triggerEvent: 'A08', sendingFacility: 'GOODHEALTH' }, hl7: 'MSH|…' };
  const select = createRecordSelector(spec({ stage: 'raw', selectors: { patientTokens: ['pk1'], messageTypes: ['ADT^A08'] } }), { replayId: 'rp_2', topic: 'raw', failedEventIds: new Set(['ev1']) });
  const r = record(raw);
  const out = select(r);
  assert.equal(out?.value, r.value);
  assert.equal(out?.headers.replayId, 'rp_2');
  assert.equal(out?.headers.replaySubscribers, undefined);
  assert.equal(select(record(raw, { key: 'pk2' })), null);
  assert.equal(select(record(raw, { headers: { ...r.headers, eventId: 'ev2' } })), null, 'did not fail with a selected code');
});

test('subscriber: only that subscriber\'s events, marked as replays', () => {
  const select = createRecordSelector(spec({ stage: 'subscriber', selectors: { subscriber: 'care-management', patientTokens: ['tok1'] } }), { replayId: 'rp_3', topic: 'projected' });
  const projected = { eventId: 'p1', subscriber: 'care-management', patientToken: 'tok1', bundle: {} };
  assert.deepEqual(select(record(projected))?.value, { ...projected, replay: true });
  assert.equal(select(record({ ...projected, subscriber: 'population-research' })), null);
  assert.equal(select(record({ ...projected, patientToken: 'tok2' })), null);
});
