import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaders, deriveEventId, encodeHeaders } from './index.ts';

test('headers round-trip through their wire names, Buffers and repeated keys included', () => {
  const encoded = encodeHeaders({ eventId: 'e1', correlationId: 'c1', schema: 'raw-message', schemaVersion: '1', replayId: 'r1' });
  assert.deepEqual(encoded, { 'conduit-event-id': 'e1', 'conduit-correlation-id': 'c1', 'conduit-schema': 'raw-message', 'conduit-schema-version': '1', 'conduit-replay-id': 'r1' });
  const wire = { 'conduit-event-id': Buffer.from('e1'), 'conduit-correlation-id': [Buffer.from('c1'), Buffer.from('c2')], 'other': Buffer.from('x') };
  assert.deepEqual(decodeHeaders(wire), { eventId: 'e1', correlationId: 'c1' });
});

test('event ids are deterministic UUID-shaped hashes of their parts', () => {
  const a = deriveEventId('EPIC', 'GOODHEALTH', 'MSG00001');
  assert.equal(a, deriveEventId('EPIC', 'GOODHEALTH', 'MSG00001'));
  assert.notEqual(a, deriveEventId('EPIC', 'GOODHEALTH', 'MSG00002'));
  // Separators matter: ("AB","C") and ("A","BC") are different messages.
  assert.notEqual(deriveEventId('AB', 'C'), deriveEventId('A', 'BC'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
