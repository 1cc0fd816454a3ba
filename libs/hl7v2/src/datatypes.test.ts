import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findSnError, isValidDt, isValidDtm, isValidNm } from './datatypes.ts';

/** DTM as the standard writes it (v2.5 2.A), with the calendar checked by Date: the scanner's spec. */
function dtmBySpec(value: string): boolean {
  const m = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?)?)?([+-]\d{4})?$/.exec(value);
  if (m === null) return false;
  const [, year, month, day, hour, minute, second, offset] = m;
  if (month !== undefined) {
    const mo = Number(month);
    if (mo < 1 || mo > 12) return false;
    const date = new Date(0);
    date.setUTCFullYear(Number(year), mo, 0);
    if (day !== undefined && (Number(day) < 1 || Number(day) > date.getUTCDate())) return false;
  }
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 60) return false;
  return offset === undefined || (Number(offset.slice(1, 3)) <= 14 && Number(offset.slice(3, 5)) <= 59);
}

test('DTM accepts every precision from year to 1/10000 s, with and without offset', () => {
  for (const v of ['2024', '202402', '20240229', '2024022913', '202402291305', '20240229130559', '20240229130559.1', '20240229130559.1234', '20240229130559.1234+0530', '198908181126+0215', '20290801070624-1400', '20161231235960']) {
    assert.equal(isValidDtm(v), true, v);
  }
});

test('DTM refuses impossible dates, bad precision and bad offsets', () => {
  for (const v of ['', '24', '202', '20230229', '20241301', '20240100', '20240431', '2024010124', '202401012360', '20240101235961', '20240101.5', '2024010112.5', '20240101120000.12345', '20240101+5', '20240101+1500', '20240101+0160', '196203520', '2024-01-01', ' 20240101', '20240101 ']) {
    assert.equal(isValidDtm(v), false, v);
  }
});

test('DTM: the scanner agrees with the standard\'s grammar on well-formed, near-miss and random values', () => {
  const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '5', '9'), minLength: min, maxLength: max });
  const nearMiss = fc.tuple(
    fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')),
    digits(0, 10),
    fc.option(fc.tuple(fc.constant('.'), digits(0, 6)).map((p) => p.join(''))),
    fc.option(fc.tuple(fc.constantFrom('+', '-', '~'), digits(3, 5)).map((p) => p.join(''))),
  ).map(([y, rest, fraction, offset]) => `${y}${rest}${fraction ?? ''}${offset ?? ''}`);
  const leapDays = fc.constantFrom('00000229', '19000229', '20000229', '21000229', '20240229', '20230229', '04000229');
  fc.assert(fc.property(fc.oneof(nearMiss, leapDays, fc.string({ maxLength: 24 })), (v) => isValidDtm(v) === dtmBySpec(v)), { numRuns: 20000 });
});

test('DT is a date without time', () => {
  assert.equal(isValidDt('20240229'), true);
  assert.equal(isValidDt('2024'), true);
  assert.equal(isValidDt('20240229120000'), false);
  assert.equal(isValidDt('20230229'), false);
  assert.equal(isValidDt('20240100'), false);
  assert.equal(isValidDt('202400'), false);
});

test('NM is sign, digits and an optional decimal point (v2.5 2.A, NM)', () => {
  for (const v of ['0', '42', '-1', '+3.5', '.5', '5.', '007', '-0.001']) assert.equal(isValidNm(v), true, v);
  for (const v of ['', '-', '.', '1e3', '1,5', '>10', '1.2.3', ' 1', 'NaN', '0x10']) assert.equal(isValidNm(v), false, v);
});

test('SN checks comparator, both numbers and the separator', () => {
  assert.equal(findSnError(['', '182']), 0);
  assert.equal(findSnError(['>', '10']), 0);
  assert.equal(findSnError(['', '1', ':', '128']), 0);
  assert.equal(findSnError(['<>', '5', '-', '7']), 0);
  assert.equal(findSnError(['~', '5']), 1);
  assert.equal(findSnError(['', 'V02']), 2);
  assert.equal(findSnError(['', '1', '*', '2']), 3);
  assert.equal(findSnError(['', '1', '-', 'x']), 4);
});
