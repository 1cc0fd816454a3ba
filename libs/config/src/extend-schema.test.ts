import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extendConfigSchema } from './extend-schema.ts';
import { parseConfig } from './parse-config.ts';
import { readOptionalSecret } from './secret.ts';

const base = { $id: 'base', type: 'object', additionalProperties: false, properties: { CONDUIT_A: { type: 'string', default: 'a' } } };
const fragment = { $id: 'shared', type: 'object', properties: { CONDUIT_B: { type: 'integer', default: 2 } } };

test('a service schema extended by a shared fragment accepts and defaults both sets of settings', () => {
  const schema = extendConfigSchema(base, fragment);
  assert.deepEqual(parseConfig(schema, {}), { CONDUIT_A: 'a', CONDUIT_B: 2 });
  assert.deepEqual(parseConfig(schema, { CONDUIT_B: '7' }), { CONDUIT_A: 'a', CONDUIT_B: 7 });
  assert.throws(() => parseConfig(schema, { CONDUIT_C: 'x' }), /CONDUIT_C: unknown setting/);
  assert.deepEqual(Object.keys(base.properties), ['CONDUIT_A'], 'the base schema is not modified');
});

test('a setting defined by both the service and the fragment is a schema bug, refused', () => {
  assert.throws(() => extendConfigSchema(base, { $id: 'dup', properties: { CONDUIT_A: { type: 'string' } } }), /CONDUIT_A is also defined by dup/);
});

test('an optional secret is absent when neither form is set, and read like any secret when one is', () => {
  assert.equal(readOptionalSecret({}, 'CONDUIT_REDIS_PASSWORD'), undefined);
  assert.equal(readOptionalSecret({ CONDUIT_REDIS_PASSWORD: 'a-long-enough-password' }, 'CONDUIT_REDIS_PASSWORD')?.toString(), 'a-long-enough-password');
  assert.throws(() => readOptionalSecret({ CONDUIT_REDIS_PASSWORD: 'short' }, 'CONDUIT_REDIS_PASSWORD'), /shorter than 16/);
});
