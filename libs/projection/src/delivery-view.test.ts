import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProjector } from './projector.ts';
import { forDelivery } from './delivery-view.ts';
import { seededEvent, testKeys, treatmentContract } from './test-fixtures.ts';

test('the delivered view drops the withheld categories and keeps everything else', () => {
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(seededEvent());
  assert.ok(care);
  assert.deepEqual(care.withheld, ['substance-use']);
  const delivered = forDelivery(care);
  assert.equal('withheld' in delivered, false);
  assert.deepEqual({ ...delivered, withheld: care.withheld }, care);
  assert.equal(JSON.stringify(delivered).includes('substance-use'), false);
});
