import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, readSecret } from './index.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['KAFKA_BROKERS'],
  properties: {
    KAFKA_BROKERS: { type: 'string' },
    CONDUIT_MLLP_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 2575 },
  },
};

test('applies defaults, coerces types and freezes', () => {
  const cfg = parseConfig<{ KAFKA_BROKERS: string; CONDUIT_MLLP_PORT: number }>(schema, { KAFKA_BROKERS: 'a:1', PATH: '/x' });
  assert.deepEqual(cfg, { KAFKA_BROKERS: 'a:1', CONDUIT_MLLP_PORT: 2575 });
  assert.equal(Object.isFrozen(cfg), true);
  const cfg2 = parseConfig<{ CONDUIT_MLLP_PORT: number }>(schema, { KAFKA_BROKERS: 'a:1', CONDUIT_MLLP_PORT: '3000' });
  assert.equal(cfg2.CONDUIT_MLLP_PORT, 3000);
});

test('refuses unknown CONDUIT_ keys, missing and mistyped values, without echoing values', () => {
  assert.throws(
    () => parseConfig(schema, { KAFKA_BROKERS: 'a:1', CONDUIT_MLLP_PROT: '1' }),
    (e: Error & { code?: string }) => e.code === 'CDT_CONFIG_INVALID' && /CONDUIT_MLLP_PROT: unknown setting/.test(e.message),
  );
  assert.throws(() => parseConfig(schema, {}), /KAFKA_BROKERS: must have required property/);
  assert.throws(
    () => parseConfig(schema, { KAFKA_BROKERS: 'a', CONDUIT_MLLP_PORT: 'hunter2-secret' }),
    (e: Error) => /CONDUIT_MLLP_PORT: must be integer/.test(e.message) && !e.message.includes('hunter2'),
  );
});

test('readSecret requires 16+ characters and names the variable only', () => {
  assert.equal(readSecret({ K: 'x'.repeat(16) }, 'K').length, 16);
  assert.throws(() => readSecret({ K: 'short-secret' }, 'K'), (e: Error) => /K: secret shorter/.test(e.message) && !e.message.includes('short-secret'));
  assert.throws(() => readSecret({}, 'K'), /K or K_FILE: required secret is not set/);
});
