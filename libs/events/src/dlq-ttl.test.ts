import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDlqTtls } from './dlq-ttl.ts';

test('a stage without an override gets the default TTL; overrides apply to their stage only', () => {
  const ttls = parseDlqTtls(259200000, 'normalize=86400000,fanout=3600000');
  assert.deepEqual(['normalize', 'project', 'fanout'].map((s) => ttls.ttlFor(s)), [86400000, 259200000, 3600000]);
  assert.equal(parseDlqTtls(5000, undefined).ttlFor('project'), 5000);
  assert.equal(parseDlqTtls(5000, 'none').ttlFor('project'), 5000);
});

test('a stage TTL beyond the default (the DLQ topic retention) or below a second is refused with the variable named', () => {
  for (const bad of ['normalize=300000000', 'normalize=10', '=5000', 'normalize=']) {
    assert.throws(() => parseDlqTtls(259200000, bad), (e: Error & { code?: string }) => e.code === 'CDT_CONFIG_INVALID' && e.message.includes('CONDUIT_DLQ_TTL_BY_STAGE'), bad);
  }
});
