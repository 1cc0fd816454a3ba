import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeForStatus, EXIT } from './exit-codes.ts';
import { formatProgressBar, formatTable } from './format.ts';

test('tables pad columns to their widest cell and show missing values as a dash', () => {
  assert.equal(formatTable(['ID', 'CODE'], [['dlq_1', 'CDT_X'], ['dlq_22', undefined]]), 'ID      CODE\n------  -----\ndlq_1   CDT_X\ndlq_22  -');
});

test('the progress bar and the status → exit code table', () => {
  assert.equal(formatProgressBar(0.5, 10), '[#####-----]  50%');
  assert.equal(formatProgressBar(1.2, 4), '[####] 100%');
  assert.deepEqual([401, 403, 404, 410, 400, 422, 500, 503].map(exitCodeForStatus), [EXIT.unauthenticated, EXIT.forbidden, EXIT.notFound, EXIT.notFound, EXIT.refused, EXIT.refused, EXIT.unavailable, EXIT.unavailable]);
});
