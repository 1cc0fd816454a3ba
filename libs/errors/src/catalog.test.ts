import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { listCatalogCodes, ConduitError } from './index.ts';

const root = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

test('the catalog matches its schema and has unique codes', () => {
  const catalog = JSON.parse(readFileSync(join(root, 'schemas/error-catalog.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(root, 'schemas/error-catalog.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true }).compile(schema);
  assert.equal(validate(catalog), true, JSON.stringify(validate.errors));
  const codes = listCatalogCodes();
  assert.equal(new Set(codes).size, codes.length);
});

test('every CDT_ code used in the source is catalogued, and every catalogued code is used', () => {
  const used = new Set<string>();
  for (const dir of ['libs', 'services']) {
    for (const file of sourceFiles(join(root, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(CDT_[A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
  }
  const catalogued = new Set(listCatalogCodes());
  assert.deepEqual([...used].filter((c) => !catalogued.has(c)).sort(), []);
  assert.deepEqual([...catalogued].filter((c) => !used.has(c)).sort(), []);
});

test('ConduitError carries its catalog entry and refuses unknown codes', () => {
  const err = new ConduitError('CDT_KAFKA_WRITE_FAILED', 'timeout after 5000 ms');
  assert.equal(err.code, 'CDT_KAFKA_WRITE_FAILED');
  assert.equal(err.retriable, true);
  assert.equal(err.entry.hl7, '207');
  assert.match(err.message, /timeout after 5000 ms/);
  assert.throws(() => new ConduitError('CDT_NOPE'), /not in schemas\/error-catalog.json/);
});
