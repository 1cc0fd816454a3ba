import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannedRecords, replayProgress, type ReplayPlan } from './replay-plan.ts';

const plan: ReplayPlan = {
  sourceTopic: 't', targetTopic: 't',
  partitions: [{ partition: 0, start: '10', end: '60' }, { partition: 1, start: '0', end: '50' }, { partition: 2, start: '7', end: '7' }],
};

test('progress is the share of planned offsets read, partitions weighed by size', () => {
  assert.equal(plannedRecords(plan), 100);
  assert.equal(replayProgress(plan, {}), 0);
  assert.equal(replayProgress(plan, { 0: '35', 1: '25' }), 0.5);
  assert.equal(replayProgress(plan, { 0: '60', 1: '50', 2: '7' }), 1);
  assert.equal(replayProgress({ ...plan, partitions: [plan.partitions[2]!] }, {}), 1, 'an empty window is done');
  assert.equal(replayProgress(undefined, {}), 0);
});
