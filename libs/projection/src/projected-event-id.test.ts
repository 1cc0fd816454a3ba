import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveEventId } from '@conduit/bus';
import { deriveProjectedEventId } from './projected-event-id.ts';

test('projected event ids are the ids @conduit/bus deriveEventId gives', () => {
  for (const [source, subscriber] of [['5d1c0c36-8a4e-8d7e-9f60-0b7f4d0d2a11', 'care-management'], ['e', 'population-research'], ['é', 'x']] as const) {
    assert.equal(deriveProjectedEventId(source, subscriber), deriveEventId('projected', source, subscriber));
  }
});
