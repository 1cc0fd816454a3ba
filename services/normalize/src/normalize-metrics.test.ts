import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CanonicalEvent } from '@conduit/events';
import { createMetricsRegistry, metricValue } from '@conduit/metrics';
import { createNormalizeMetrics } from './normalize-metrics.ts';

const event = (unmapped: { path: string; count: number }[], eventType = 'patient-admitted', messageType = 'ADT^A01', listener = 'mllp-adt') =>
  ({ eventType, messageType, source: { application: 'EPIC', facility: 'GOODHEALTH', listener }, mappingReport: { unmapped } }) as unknown as CanonicalEvent;

test('events by feed and type, dead letters by code, durations, sizes and unused fields by feed and path are counted', async () => {
  const registry = createMetricsRegistry('normalize', { defaultMetrics: false });
  const metrics = createNormalizeMetrics(registry);
  metrics.normalized(event([{ path: 'PID-5.14', count: 2 }, { path: 'ZPI-1', count: 1 }]), 20_000, 0.0008);
  metrics.normalized(event([{ path: 'PID-5.14', count: 1 }], 'result-reported', 'ORU^R01', 'mllp-lab'), 40_000, 0.0015);
  metrics.deadLettered('CDT_MAP_FHIR_INVALID');
  const text = await registry.render();
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { listener: 'mllp-adt', event_type: 'patient-admitted', message_type: 'ADT^A01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { listener: 'mllp-lab', event_type: 'result-reported', message_type: 'ORU^R01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_dead_lettered_total', { code: 'CDT_MAP_FHIR_INVALID' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-adt', path: 'PID-5.14' }), 2);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-lab', path: 'PID-5.14' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-adt', path: 'ZPI-1' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_duration_seconds_count', { message_type: 'ORU^R01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_duration_seconds_bucket', { message_type: 'ADT^A01', le: '0.001' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_event_bytes_sum', {}), 60_000);
});

test('paths and listener names are labels only in their own shape, and only the first 500 paths and 50 listeners', async () => {
  const registry = createMetricsRegistry('normalize', { defaultMetrics: false });
  const metrics = createNormalizeMetrics(registry);
  // A path the report never writes and a listener name no listener has (values in a label): counted, as "other".
  metrics.normalized(event([{ path: 'PID-5 DOE', count: 1 }], undefined, undefined, 'JANE DOE'), 1000, 0.001);
  metrics.normalized(event(Array.from({ length: 600 }, (_, i) => ({ path: `ZZ${i % 10}-${Math.floor(i / 10) + 1}`, count: 1 }))), 1000, 0.001);
  // mllp-adt was the first listener; 49 more are named, the other 11 are "other".
  for (let i = 0; i < 60; i++) metrics.normalized(event([], undefined, undefined, `feed-${i}`), 1000, 0.001);
  const text = await registry.render();
  assert.equal(text.includes('DOE'), false);
  const paths = new Set([...text.matchAll(/^conduit_normalize_unmapped_fields_total\{.*path="([^"]+)"/gm)].map((m) => m[1]));
  assert.equal(paths.size, 501, '500 named paths and "other"');
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-adt', path: 'other' }), 100);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'other', path: 'other' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { listener: 'mllp-adt', path: 'ZZ0-1' }), 1);
  const listeners = new Set([...text.matchAll(/^conduit_normalize_events_total\{.*listener="([^"]+)"/gm)].map((m) => m[1]));
  assert.equal(listeners.size, 51, '50 named listeners and "other"');
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { listener: 'other' }), 12);
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { listener: 'feed-48' }), 1);
});
