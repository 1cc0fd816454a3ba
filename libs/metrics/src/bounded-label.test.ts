import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedLabel } from './bounded-label.ts';

test('a bounded label names values of its shape up to its limit, and calls everything else "other"', () => {
  const label = boundedLabel(/^[A-Z]{3}$/, 2);
  assert.equal(label('ADT'), 'ADT');
  assert.equal(label('Jane Doe'), 'other', 'another shape is never a label');
  assert.equal(label('ORU'), 'ORU');
  assert.equal(label('MFN'), 'other', 'past the limit');
  assert.equal(label('ADT'), 'ADT', 'a value already named keeps its name');
});
