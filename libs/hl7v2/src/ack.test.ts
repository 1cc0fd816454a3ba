import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCatalogEntry } from '@conduit/errors';
import { ackCodeFor, buildAck, buildNack, formatHl7Timestamp, wantsAcceptAck } from './ack.ts';
import { readHeader } from './header.ts';
import { parseHl7 } from './parse.ts';
import { validateMessage, type ValidationIssue } from './validate.ts';

const TS = '20240102030405+0000';
const message = (version: string, msh15 = '') => parseHl7(
  `MSH|^~\\&|EHR^1.2.840.1^ISO|GENHOSP^2.16.1^ISO|CONDUIT|HUB|20240102030405||ADT^A01^ADT_A01|CTRL-9|P^T|${version}|||${msh15}|NE\r` +
  'EVN|A01|20240102030405\rPID|1||^^^GH^MR||Doe^Jane\rPV1|1|I\r',
);

test('AA swaps sender and receiver, echoes MSH-3/4 whole and MSH-10 in MSA-2', () => {
  const m = message('2.5.1');
  const ack = buildAck({ code: 'AA', header: readHeader(m), message: m, controlId: 'ACK1', timestamp: TS });
  assert.equal(ack, `MSH|^~\\&|CONDUIT|HUB|EHR^1.2.840.1^ISO|GENHOSP^2.16.1^ISO|${TS}||ACK^A01^ACK|ACK1|P^T|2.5.1\rMSA|AA|CTRL-9\r`);
});

test('a NACK from issues: ERR-2 location, ERR-3 HL7 0357, ERR-4 severity, ERR-5 our code, ERR-8 remediation', () => {
  const m = message('2.5.1');
  const issues = validateMessage(m);
  assert.deepEqual(issues, [{ code: 'CDT_HL7_INVALID_IDENTIFIER', location: { segment: 'PID', sequence: 1, field: 3, repetition: 1, component: 1 } }]);
  const ack = parseHl7(buildNack(issues, { header: readHeader(m), message: m, controlId: 'ACK2', timestamp: TS }));
  const entry = getCatalogEntry('CDT_HL7_INVALID_IDENTIFIER');
  assert.equal(ack.segment('MSA')?.get(1), 'AE');
  assert.equal(ack.segment('MSA')?.get(2), 'CTRL-9');
  assert.equal(ack.segment('MSA')?.get(3), entry.message);
  const err = ack.segment('ERR')!;
  assert.equal(err.rawField(1), '', 'ERR-1 is for v2.3/2.4 receivers only');
  assert.equal(err.rawField(2), 'PID^1^3^1^1');
  assert.deepEqual(err.components(3), ['102', 'Data type error', 'HL70357']);
  assert.equal(err.get(4), 'E');
  assert.deepEqual(err.components(5), ['CDT_HL7_INVALID_IDENTIFIER', entry.message, '99CDT']);
  assert.equal(err.get(8), entry.remediation);
});

test('the header is read from the message when not given', () => {
  const m = message('2.5.1', 'AL');
  const ack = parseHl7(buildNack([{ code: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 1, field: 5 } }], { message: m, controlId: 'A', timestamp: TS }));
  assert.equal(ack.segment('MSA')?.get(1), 'CE');
  assert.equal(ack.segment('MSA')?.get(2), 'CTRL-9');
  assert.equal(ack.msh.get(9, 1, 2), 'A01');
});

test('the first issue decides AE or AR', () => {
  const m = message('2.5.1');
  const reject: ValidationIssue[] = [
    { code: 'CDT_HL7_UNSUPPORTED_VERSION', location: { segment: 'MSH', sequence: 1, field: 12 } },
    { code: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 1, field: 5 } },
  ];
  const ack = parseHl7(buildNack(reject, { header: readHeader(m), controlId: 'A', timestamp: TS }));
  assert.equal(ack.segment('MSA')?.get(1), 'AR');
  assert.deepEqual(ack.segmentsNamed('ERR').map((e) => e.rawField(2)), ['MSH^1^12', 'PID^1^5']);
  assert.deepEqual(ack.segmentsNamed('ERR').map((e) => e.get(3)), ['203', '101']);
  assert.throws(() => buildNack([], { controlId: 'A', timestamp: TS }), RangeError);
});

test('enhanced mode (MSH-15 valued) answers CA / CE / CR', () => {
  const m = message('2.5.1', 'AL');
  const header = readHeader(m);
  assert.equal(ackCodeFor(header, 'accept'), 'CA');
  assert.equal(ackCodeFor(header, 'error'), 'CE');
  assert.equal(ackCodeFor(header, 'reject'), 'CR');
  assert.equal(ackCodeFor(readHeader(message('2.5.1')), 'reject'), 'AR');
  assert.equal(ackCodeFor(undefined, 'error'), 'AE');
  const nack = parseHl7(buildNack([{ code: 'CDT_HL7_UNSUPPORTED_EVENT', location: { segment: 'MSH', sequence: 1, field: 9, component: 2 } }], { header, controlId: 'A', timestamp: TS }));
  assert.equal(nack.segment('MSA')?.get(1), 'CR');
});

test('MSH-15 decides whether an accept acknowledgment is wanted (table 0155)', () => {
  const h = (msh15: string) => readHeader(message('2.5.1', msh15));
  assert.deepEqual(['AL', 'NE', 'ER', 'SU', ''].map((v) => [wantsAcceptAck(h(v), 'accept'), wantsAcceptAck(h(v), 'error')]), [
    [true, true], [false, false], [false, true], [true, false], [true, true],
  ]);
});

test('v2.3 and v2.4 receivers get ERR-1 (ELD); v2.7+ receivers get no MSA-3', () => {
  const issue: ValidationIssue = { code: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 2, field: 5 } };
  const old = parseHl7(buildNack([issue], { header: readHeader(message('2.3')), controlId: 'A', timestamp: TS }));
  assert.equal(old.segment('ERR')?.rawField(1), 'PID^2^5^101&Required field missing&HL70357');
  assert.equal(old.msh.get(12), '2.3');
  const v27 = parseHl7(buildNack([issue], { header: readHeader(message('2.7')), controlId: 'A', timestamp: TS }));
  assert.equal(v27.segment('MSA')?.fieldCount, 2);
});

test('texts are escaped in the message delimiters and ERR segments are capped', () => {
  const m = parseHl7('MSH!@*$%!EHR!GH!!!20240101!!ADT@A01!C1!P!2.5.1\rPID!1\r');
  const many: ValidationIssue[] = Array.from({ length: 40 }, (_, i) => ({ code: 'CDT_HL7_INVALID_NUMBER', location: { segment: 'OBX', sequence: i + 1, field: 5 } }));
  const text = buildNack(many, { header: readHeader(m), message: m, controlId: 'A', timestamp: TS });
  const ack = parseHl7(text);
  assert.equal(ack.delimiters.field, '!');
  assert.equal(ack.segmentsNamed('ERR').length, 25);
  assert.equal(ack.segment('ERR')?.get(5, 1, 2), getCatalogEntry('CDT_HL7_INVALID_NUMBER').message);
  assert.equal(ack.segment('ERR')?.rawField(2), 'OBX@1@5');
});

test('an ACK without a readable header still has an MSH and MSA', () => {
  const entry = getCatalogEntry('CDT_HL7_NOT_HL7');
  const ack = parseHl7(buildAck({ code: entry.ack, errors: [{ entry }], controlId: 'X1', timestamp: TS }));
  assert.equal(ack.msh.get(3), 'CONDUIT');
  assert.equal(ack.msh.get(9), 'ACK');
  assert.equal(ack.msh.rawField(9), 'ACK^^ACK', 'no trigger event to echo; MSH-9.3 is still the ACK structure');
  assert.equal(ack.segment('MSA')?.get(1), 'AE');
  assert.equal(ack.segment('ERR')?.rawField(2), '');
});

test('formatHl7Timestamp writes second precision with the local offset', () => {
  assert.match(formatHl7Timestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), /^\d{14}[+-]\d{4}$/);
});
