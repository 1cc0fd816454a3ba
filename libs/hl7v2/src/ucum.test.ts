import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUcumValidator } from './ucum.ts';

test('UCUM units from lab feeds validate with @lhncbc/ucum-lhc', () => {
  const ucum = createUcumValidator();
  for (const unit of ['mg/dL', 'ug/dL', 'mmol/L', '10*3/uL', '%', 'U/L', 'mL/min/{1.73_m2}', '[in_i]', 'kg']) {
    assert.equal(ucum.isValidUnit(unit), true, unit);
  }
  for (const unit of ['mcg/dL', 'x10E3/uL', 'foo', '', 'mg/dl ']) {
    assert.equal(ucum.isValidUnit(unit), false, unit);
  }
});

test('answers are memoised within the bound', () => {
  const ucum = createUcumValidator({ maxMemo: 2 });
  for (let i = 0; i < 5; i++) assert.equal(ucum.isValidUnit(['mg', 'kg', 'g'][i % 3]!), true);
  assert.equal(ucum.isValidUnit('kg/kg/kg'), true);
});
