import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import { parseReplayRequest } from './replay-spec.ts';

const limits = { defaultRate: 500, maxRate: 5000, now: Date.parse('2026-11-22T12:00:00Z') };
const base = { stage: 'canonical', from: '2026-11-22T10:00:00Z', to: '2026-11-22T11:00:00+00:00' };
const refused = (body: Record<string, unknown>, l = limits) => {
  try {
    parseReplayRequest(body, 'r', l);
  } catch (e) {
    assert.ok(e instanceof ConduitError && e.code === 'CDT_REPLAY_INVALID');
    return e.detail;
  }
  return assert.fail('accepted');
};

test('a request becomes a normalized spec with the default rate', () => {
  assert.deepEqual(parseReplayRequest({ ...base, selectors: { facilities: ['GOODHEALTH'], subscriber: 'care-management' } }, 'INC-1', limits), {
    stage: 'canonical', from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T11:00:00.000Z',
    selectors: { facilities: ['GOODHEALTH'], subscriber: 'care-management' }, dryRun: false, ratePerSecond: 500, reason: 'INC-1',
  });
  assert.equal(parseReplayRequest({ ...base, ratePerSecond: 'unlimited' }, 'r', { ...limits, maxRate: 0 }).ratePerSecond, null);
  assert.equal(parseReplayRequest({ ...base, dryRun: true, ratePerSecond: 50 }, 'r', limits).dryRun, true);
});

test('windows, selectors the stage cannot honour and rates above the ceiling are refused', () => {
  assert.equal(refused({ ...base, to: base.from }), 'from must be before to');
  assert.equal(refused({ ...base, from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' }), 'the window starts in the future');
  assert.equal(refused({ ...base, stage: 'subscriber' }), 'the subscriber stage needs selectors.subscriber');
  assert.equal(refused({ ...base, stage: 'subscriber', selectors: { subscriber: 's', facilities: ['F'] } }), 'the subscriber stage selects by patientTokens, errorCodes and subscriber only');
  assert.equal(refused({ ...base, selectors: { messageTypes: ['ADT-A01'] } }), 'messageTypes are written like ADT^A01');
  assert.equal(refused({ ...base, ratePerSecond: 'unlimited' }), 'ratePerSecond may not exceed 5000');
  assert.equal(refused({ ...base, ratePerSecond: 6000 }), 'ratePerSecond may not exceed 5000');
  assert.equal(refused({ ...base, stage: 'bundle' }), 'stage must be one of raw, canonical, subscriber');
});
