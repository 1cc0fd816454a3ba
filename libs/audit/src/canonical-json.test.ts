import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.ts';

test('keys are sorted at every depth, undefined members dropped, no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[true,null]},"b":1}');
  assert.equal(canonicalJson([undefined, 'é']), '[null,"é"]');
});

test('values that JSON cannot carry faithfully are refused', () => {
  assert.throws(() => canonicalJson(Number.NaN), /finite/);
  assert.throws(() => canonicalJson({ n: 1n }), /bigint/);
});

test('field order never changes the canonical form, and the form parses back to the value', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
      const text = canonicalJson(v);
      const reordered = JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
      ) as unknown;
      assert.equal(canonicalJson(reordered), text);
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
    }),
    { numRuns: 200 },
  );
});
