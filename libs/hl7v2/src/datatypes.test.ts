import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSnError, isValidDt, isValidDtm, isValidNm } from './datatypes.ts';

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

test('DT is a date without time', () => {
  assert.equal(isValidDt('20240229'), true);
  assert.equal(isValidDt('2024'), true);
  assert.equal(isValidDt('20240229120000'), false);
  assert.equal(isValidDt('20230229'), false);
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
