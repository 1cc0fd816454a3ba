import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import { parseHl7Batch } from './batch.ts';
import { encodeHl7 } from './encode.ts';

const FILE = [
  'FHS|^~\\&|APP|FAC|||20240101',
  'BHS|^~\\&|APP|FAC|||20240101',
  'MSH|^~\\&|APP|FAC|||20240101||ADT^A01|1|P|2.4',
  'PID|1||A1',
  'MSH|^~\\&|APP|FAC|||20240101||ADT^A08|2|P|2.4',
  'PID|1||A2',
  'BTS|2',
  'FTS|1',
  '',
].join('\r');

test('a file batch splits into its messages and keeps the envelope', () => {
  const b = parseHl7Batch(FILE);
  assert.deepEqual(b.envelope.map((s) => s.name), ['FHS', 'BHS', 'BTS', 'FTS']);
  assert.deepEqual(b.messages.map((m) => m.segment('PID')?.get(3)), ['A1', 'A2']);
  assert.deepEqual(b.messages.map((m) => m.raw), ['MSH|^~\\&|APP|FAC|||20240101||ADT^A01|1|P|2.4\rPID|1||A1\r', 'MSH|^~\\&|APP|FAC|||20240101||ADT^A08|2|P|2.4\rPID|1||A2\r']);
  assert.equal(b.envelope[0]?.get(3), 'APP', 'FHS numbers fields like MSH');
  assert.equal(b.envelope[2]?.get(1), '2');
  assert.equal(encodeHl7(b), FILE);
});

test('a single message is a batch of one without envelope', () => {
  const b = parseHl7Batch('MSH|^~\\&|A\rPID|1||X\r');
  assert.equal(b.envelope.length, 0);
  assert.equal(b.messages.length, 1);
});

test('segments outside any message are refused', () => {
  assert.throws(() => parseHl7Batch('FHS|^~\\&|A\rPID|1\r'), (e: unknown) => e instanceof ConduitError && e.code === 'CDT_HL7_NOT_HL7');
  assert.throws(() => parseHl7Batch('PID|1\r'), (e: unknown) => e instanceof ConduitError && e.code === 'CDT_HL7_NOT_HL7');
});
