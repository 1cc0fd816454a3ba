import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capAge, generalizeZip, loadRestrictedZip3, maxAgeAt, yearOf } from './safe-harbor.ts';

const restricted = loadRestrictedZip3().set;

test('ZIP codes keep three digits, or 000 in the Census areas of 20,000 people or fewer', () => {
  assert.equal(generalizeZip('27401-1020', 'USA', restricted), '274');
  assert.equal(generalizeZip('274011020', undefined, restricted), '274');
  assert.equal(generalizeZip('03601', 'US', restricted), '000');
  assert.equal(generalizeZip('89301', undefined, restricted), '000');
  assert.equal(generalizeZip('2740', 'USA', restricted), undefined);
  assert.equal(generalizeZip('SW1A 1AA', 'GB', restricted), undefined);
  assert.equal(generalizeZip('27401', 'Canada', restricted), undefined);
  assert.equal(restricted.size, 18);
});

test('dates keep their year only', () => {
  assert.equal(yearOf('2026-11-22T08:30:00-05:00'), '2026');
  assert.equal(yearOf('1962-03'), '1962');
  assert.equal(yearOf('1962'), '1962');
  assert.equal(yearOf('March 1962'), undefined);
});

test('the age test errs toward 90 when dates are partial', () => {
  assert.equal(maxAgeAt('1936-11-23', '2026-11-22T08:30:00Z'), 89);
  assert.equal(maxAgeAt('1936-11-22', '2026-11-22T08:30:00Z'), 90);
  assert.equal(maxAgeAt('1936', '2026-11-22'), 90, 'born any day of 1936: may be 90 already');
  assert.equal(maxAgeAt('1937', '2026-11-22'), 89);
  assert.equal(maxAgeAt('1936', '2026'), 90);
  assert.equal(maxAgeAt('bad', '2026'), undefined);
});

test('an Age of 90 years or more becomes >= 90 a; unknown units are removed', () => {
  assert.deepEqual(capAge({ value: 95, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' }), { value: 90, comparator: '>=', unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' });
  assert.deepEqual(capAge({ value: 1100, code: 'mo' }), { value: 90, comparator: '>=', unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' });
  assert.deepEqual(capAge({ value: 45, code: 'a' }), { value: 45, code: 'a' });
  assert.deepEqual(capAge({ value: 45, unit: 'years' }), { value: 45, unit: 'years' });
  assert.equal(capAge({ value: 95, unit: 'decades' }), undefined);
});
