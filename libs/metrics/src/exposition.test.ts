import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricValue } from './exposition.ts';

const TEXT = [
  '# HELP x_total x',
  'x_total{message_type="ADT^A01",service="ingest"} 3',
  'x_total{type="ORU^R01",service="ingest"} 4',
  'y_seconds_sum 0.25',
].join('\n');

test('a sample is found by its name and whole label names, with or without labels', () => {
  assert.equal(metricValue(TEXT, 'x_total', { message_type: 'ADT^A01' }), 3);
  assert.equal(metricValue(TEXT, 'x_total', { type: 'ADT^A01' }), undefined, 'type is not message_type');
  assert.equal(metricValue(TEXT, 'x_total', { type: 'ORU^R01', service: 'ingest' }), 4);
  assert.equal(metricValue(TEXT, 'y_seconds_sum', {}), 0.25);
  assert.equal(metricValue(TEXT, 'x', {}), undefined, 'a name is matched whole');
});
