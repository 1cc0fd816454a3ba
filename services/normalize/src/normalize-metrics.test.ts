import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CanonicalEvent } from '@conduit/events';
import { createMetricsRegistry, metricValue } from '@conduit/metrics';
import { createNormalizeMetrics } from './normalize-metrics.ts';

const event = (unmapped: { path: string; count: number }[], eventType = 'patient-admitted', messageType = 'ADT^A01') =>
  ({ eventType, messageType, mappingReport: { unmapped } }) as unknown as CanonicalEvent;

test('events by type, dead letters by code, durations, sizes and unused fields by path are counted', async () => {
  const registry = createMetricsRegistry('normalize', { defaultMetrics: false });
  const metrics = createNormalizeMetrics(registry);
  metrics.normalized(event([{ path: 'PID-5.14', count: 2 }, { path: 'ZPI-1', count: 1 }]), 20_000, 0.0008);
  metrics.normalized(event([{ path: 'PID-5.14', count: 1 }], 'result-reported', 'ORU^R01'), 40_000, 0.0015);
  metrics.deadLettered('CDT_MAP_FHIR_INVALID');
  const text = await registry.render();
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { event_type: 'patient-admitted', message_type: 'ADT^A01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_events_total', { event_type: 'result-reported', message_type: 'ORU^R01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_dead_lettered_total', { code: 'CDT_MAP_FHIR_INVALID' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { path: 'PID-5.14' }), 3);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { path: 'ZPI-1' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_duration_seconds_count', { message_type: 'ORU^R01' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_duration_seconds_bucket', { message_type: 'ADT^A01', le: '0.001' }), 1);
  assert.equal(metricValue(text, 'conduit_normalize_event_bytes_sum', {}), 60_000);
});

test('unused-field paths are labels only in their own shape, and only the first 500 of them', async () => {
  const registry = createMetricsRegistry('normalize', { defaultMetrics: false });
  const metrics = createNormalizeMetrics(registry);
  // A path the report never writes (it would be a value in a label): counted, as "other".
  metrics.normalized(event([{ path: 'PID-5 DOE', count: 1 }]), 1000, 0.001);
  metrics.normalized(event(Array.from({ length: 600 }, (_, i) => ({ path: `ZZ${i % 10}-${Math.floor(i / 10) + 1}`, count: 1 }))), 1000, 0.001);
  const text = await registry.render();
  assert.equal(text.includes('DOE'), false);
  const paths = [...text.matchAll(/^conduit_normalize_unmapped_fields_total\{path="([^"]+)"/gm)].map((m) => m[1]);
  assert.equal(paths.length, 501, '500 named paths and "other"');
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { path: 'other' }), 101);
  assert.equal(metricValue(text, 'conduit_normalize_unmapped_fields_total', { path: 'ZZ0-1' }), 1);
});
