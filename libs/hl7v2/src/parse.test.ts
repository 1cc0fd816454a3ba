import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import { DEFAULT_DELIMITERS, readDelimiters } from './delimiters.ts';
import { parseHl7 } from './parse.ts';
import { Hl7Segment } from './segment.ts';

const ADT = [
  'MSH|^~\\&|EHR^1.2.3^ISO|GH|CONDUIT|HUB|20240102030405+0100||ADT^A01^ADT_A01|CTRL1|P|2.5.1|||AL|NE|USA|UNICODE UTF-8',
  'EVN|A01|20240102030405',
  'PID|1||111^^^GH&1.2&ISO^MR~222^^^SSA^SS||O\\T\\Brien^Anne^""~Al^Bo||19700101|F|||1 Main St\\R\\Apt 2^^Town',
  'PV1|1|I|4W^101^1||||||||||||||||VN1',
  'ZPI|local|data',
  '',
].join('\r');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConduitError) return err.code;
    throw err;
  }
  return 'no error';
}

test('segments are located once, in order, Z-segments kept', () => {
  const m = parseHl7(ADT);
  assert.deepEqual(m.segments.map((s) => s.name), ['MSH', 'EVN', 'PID', 'PV1', 'ZPI']);
  assert.equal(m.segment('ZPI')?.get(2), 'data');
  assert.equal(m.segment('OBX'), undefined);
  assert.deepEqual(m.segmentsNamed('OBX'), []);
  assert.equal(m.raw, ADT);
  assert.equal(m.msh, m.segments[0]);
  assert.equal(m.segment('PID'), m.segments[2], 'one view per segment');
});

test('MSH fields are numbered with MSH-1 as the separator itself', () => {
  const msh = parseHl7(ADT).msh;
  assert.equal(msh.get(1), '|');
  assert.equal(msh.get(2), '^~\\&');
  assert.equal(msh.get(3), 'EHR');
  assert.equal(msh.get(3, 1, 2), '1.2.3');
  assert.equal(msh.rawField(3), 'EHR^1.2.3^ISO');
  assert.equal(msh.get(9, 1, 2), 'A01');
  assert.equal(msh.get(18), 'UNICODE UTF-8');
  assert.equal(msh.fieldCount, 18);
  assert.deepEqual(msh.repetitions(2), ['^~\\&']);
});

test('get reads field, repetition, component, subcomponent and unescapes', () => {
  const pid = parseHl7(ADT).segment('PID')!;
  assert.equal(pid.get(3), '111');
  assert.equal(pid.get(3, 1, 4), 'GH');
  assert.equal(pid.get(3, 1, 4, 2), '1.2');
  assert.equal(pid.get(3, 2, 5), 'SS');
  assert.equal(pid.get(3, 3, 1), '');
  assert.equal(pid.get(5, 1, 1), 'O&Brien');
  assert.equal(pid.rawValue(5, 1, 1), 'O\\T\\Brien');
  assert.equal(pid.get(5, 2, 2), 'Bo');
  assert.equal(pid.get(11, 1, 1), '1 Main St~Apt 2');
  assert.equal(pid.get(99), '');
  assert.equal(pid.get(0), 'PID');
  assert.equal(pid.repetitionCount(3), 2);
  assert.equal(pid.repetitionCount(4), 0);
  assert.deepEqual(pid.repetitions(3), ['111^^^GH&1.2&ISO^MR', '222^^^SSA^SS']);
  assert.deepEqual(pid.components(5, 1), ['O&Brien', 'Anne', '']);
  assert.equal(pid.fieldCount, 11);
});

test('the explicit null "" reads as empty and isNull tells it apart', () => {
  const pid = parseHl7(ADT).segment('PID')!;
  assert.equal(pid.get(5, 1, 3), '');
  assert.equal(pid.isNull(5, 1, 3), true);
  assert.equal(pid.isNull(5, 1, 2), false);
  assert.equal(pid.rawValue(5, 1, 3), '""');
  assert.equal(new Hl7Segment('NTE|""', DEFAULT_DELIMITERS).hasValue(1), false);
  assert.equal(new Hl7Segment('NTE|^~&', DEFAULT_DELIMITERS).hasValue(1), false);
  assert.equal(new Hl7Segment('NTE|^a', DEFAULT_DELIMITERS).hasValue(1), true);
});

test('reads in any order agree with reads in ascending order', () => {
  const text = 'OBX|1|NM|2345-7^Glucose^LN||5.4|mg/dL^^UCUM|3-6|N|||F';
  const fields = [11, 1, 6, 3, 3, 8, 2, 5, 12, 0, 4];
  const fresh = fields.map((f) => new Hl7Segment(text, DEFAULT_DELIMITERS).rawField(f));
  const reused = new Hl7Segment(text, DEFAULT_DELIMITERS);
  assert.deepEqual(fields.map((f) => reused.rawField(f)), fresh);
  assert.deepEqual(fresh, ['F', '1', 'mg/dL^^UCUM', '2345-7^Glucose^LN', '2345-7^Glucose^LN', 'N', 'NM', '5.4', '', 'OBX', '']);
});

test('standalone segments keep the old constructor', () => {
  const s = new Hl7Segment('PID|1||X^^^A', DEFAULT_DELIMITERS);
  assert.equal(s.name, 'PID');
  assert.equal(s.raw, 'PID|1||X^^^A');
  assert.equal(s.get(3, 1, 4), 'A');
  assert.equal(new Hl7Segment('PV1', DEFAULT_DELIMITERS).fieldCount, 0);
});

test('non-default delimiters from MSH-1 and MSH-2, including the v2.7 truncation character', () => {
  const m = parseHl7('MSH!@*$%#!APP!!!!20240101!!ORU@R01!1!P!2.7\rOBX!1!ST!c@d!!a$F$b$S$c$P$*two\r');
  assert.deepEqual(m.delimiters, { field: '!', component: '@', repetition: '*', escape: '$', subcomponent: '%', truncation: '#' });
  const obx = m.segment('OBX')!;
  assert.equal(obx.get(5), 'a!b@c#');
  assert.equal(obx.get(5, 2), 'two');
  assert.equal(obx.get(3, 1, 2), 'd');
  assert.equal(m.msh.get(9, 1, 2), 'R01');
});

test('medplum\'s "_" field separator and LinuxForHealth\'s doubled backslash are read', () => {
  assert.equal(parseHl7('MSH_^~\\&_Main_XYZ\rMSA_AA_1\r').segment('MSA')?.get(1), 'AA');
  const m = parseHl7('MSH|^~\\\\&|SE050|050\rPID|1||A\\T\\B\r');
  assert.deepEqual(m.delimiters, DEFAULT_DELIMITERS);
  assert.equal(m.msh.get(2), '^~\\\\&');
  assert.equal(m.segment('PID')?.get(3), 'A&B');
});

test('readDelimiters refuses what is not a usable MSH-1/MSH-2', () => {
  assert.equal(codeOf(() => readDelimiters('PID|1')), 'CDT_HL7_NOT_HL7');
  assert.equal(codeOf(() => readDelimiters('MSH|^~\\')), 'CDT_HL7_NOT_HL7');
  assert.equal(codeOf(() => readDelimiters('MSH|^~\\|A')), 'CDT_HL7_BAD_DELIMITERS');
  assert.equal(codeOf(() => readDelimiters('MSH|^^\\&|A')), 'CDT_HL7_BAD_DELIMITERS');
  assert.equal(codeOf(() => readDelimiters('MSH|^~\\&|A'.replace('&', 'a'))), 'CDT_HL7_BAD_DELIMITERS');
  assert.equal(codeOf(() => readDelimiters('MSH ^~\\& A')), 'CDT_HL7_BAD_DELIMITERS');
  assert.equal(codeOf(() => readDelimiters('MSH|^~\\&#!|A')), 'CDT_HL7_BAD_DELIMITERS');
  assert.equal(codeOf(() => readDelimiters('')), 'CDT_HL7_NOT_HL7');
});

test('segment terminators: CR only by default, LF and CR LF when lenient', () => {
  const lf = ADT.replaceAll('\r', '\n');
  const crlf = ADT.replaceAll('\r', '\r\n');
  assert.equal(codeOf(() => parseHl7(lf)), 'CDT_HL7_BAD_SEGMENT_TERMINATOR');
  assert.equal(codeOf(() => parseHl7(crlf)), 'CDT_HL7_BAD_SEGMENT_TERMINATOR');
  for (const text of [lf, crlf]) {
    const m = parseHl7(text, { lenientSegmentTerminators: true });
    assert.deepEqual(m.segments.map((s) => s.name), ['MSH', 'EVN', 'PID', 'PV1', 'ZPI']);
    assert.equal(m.segment('PID')?.get(5, 1, 1), 'O&Brien');
    assert.equal(m.raw, text);
  }
  assert.deepEqual(parseHl7(`${ADT}\n`).segments.map((s) => s.name), ['MSH', 'EVN', 'PID', 'PV1', 'ZPI'], 'a trailing newline after the last CR is tolerated');
  assert.equal(parseHl7(ADT.slice(0, -1)).segments.length, 5, 'the last terminator is optional');
});

test('segments joined by spaces are refused, not guessed at', () => {
  const joined = 'MSH|^~\\&|AccMgr|1|||20050110045504||ADT^A01|599102|P|2.3||| EVN|A01|20050110045502||||| PID|1||10006579^^^1^MRN^1||DUCK^DONALD^D';
  assert.equal(codeOf(() => parseHl7(joined)), 'CDT_HL7_BAD_SEGMENT_TERMINATOR');
  assert.equal(codeOf(() => parseHl7(joined, { lenientSegmentTerminators: true })), 'CDT_HL7_BAD_SEGMENT_TERMINATOR');
  assert.equal(parseHl7('MSH|^~\\&|A|B|||20240101||ACK|1|P|2.5').segments.length, 1, 'one MSH with no joined segment is fine');
});

test('a segment that does not start with a segment ID is refused with its position, not its content', () => {
  const err = (() => {
    try {
      parseHl7('MSH|^~\\&|A\rPID|1\rsecret value\r');
    } catch (e) {
      return e as ConduitError;
    }
    return undefined;
  })();
  assert.equal(err?.code, 'CDT_HL7_BAD_SEGMENT_ID');
  assert.equal(err?.detail, 'segment 3');
  assert.equal(err?.message.includes('secret'), false);
  assert.equal(codeOf(() => parseHl7('MSH|^~\\&|A\rpid|1\r')), 'CDT_HL7_BAD_SEGMENT_ID');
  assert.equal(codeOf(() => parseHl7('MSH|^~\\&|A\rPIDX|1\r')), 'CDT_HL7_BAD_SEGMENT_ID');
  assert.equal(parseHl7('MSH|^~\\&|A\r\rPID|1\r\r').segments.length, 2, 'empty segments are skipped');
});

test('a line feed inside a field is data', () => {
  const m = parseHl7('MSH|^~\\&|A\rOBX|1|TX|||line one\nline two\r');
  assert.equal(m.segment('OBX')?.get(5), 'line one\nline two');
});

test('hex escapes decode as UTF-8 when MSH-18 says so', () => {
  assert.equal(parseHl7(`${ADT}NTE|1||caf\\XC3A9\\\r`).segment('NTE')?.get(3), 'café');
  assert.equal(parseHl7('MSH|^~\\&|A\rNTE|1||caf\\XE9\\\r').segment('NTE')?.get(3), 'café');
});
