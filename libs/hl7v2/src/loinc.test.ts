import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidLoinc, loincCheckDigit } from './loinc.ts';

test('real LOINC codes pass the mod-10 check', () => {
  for (const code of ['2345-7', '718-7', '10368-9', '548-8', '8867-4', '30180-4', '26464-8', '24317-0', '11156-7', '20570-8', '1554-5', '2951-2', '6690-2', '777-3']) {
    assert.equal(isValidLoinc(code), true, code);
  }
});

test('the LOINC guide example: 12345 has check digit 5', () => {
  assert.equal(loincCheckDigit('12345'), 5);
});

test('a wrong check digit or a malformed code fails', () => {
  for (const code of ['2345-8', '718-0', '1553-5', '23456', '2345', '-7', '2345-', '2345-77', 'A345-7', '2345 7', '']) {
    assert.equal(isValidLoinc(code), false, code);
  }
});
