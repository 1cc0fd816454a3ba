import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHl7 } from './parse.ts';
import { ackCodeForIssue, validateMessage, type ValidationIssue, type ValidationOptions } from './validate.ts';

const MSH = (type: string, extra = '') => `MSH|^~\\&|EHR|GH|CONDUIT|HUB|20240102030405+0100||${type}|CTRL1|P|2.5.1${extra}`;
const EVN = 'EVN|A01|20240102030405';
const PID = 'PID|1||111^^^GH^MR~222^^^SSA^SS||Doe^Jane^Q||19700101|F';
const PV1 = 'PV1|1|I|4W^101^1';
const MRG = 'MRG|999^^^GH^MR';
const OBR = 'OBR|1|P1|F1|24323-8^Metabolic panel^LN|||20240102030000||||||||||||||||||F';
const OBX = 'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L^^UCUM|3.9-6.1|N|||F|||20240102030000';

const msg = (...segments: string[]) => parseHl7(segments.join('\r') + '\r');
const issues = (segments: string[], options?: ValidationOptions) => validateMessage(msg(...segments), options);

/** Compact form for exact assertions: CODE@SEG[seq]-field~rep.comp */
function show(list: readonly ValidationIssue[]): string[] {
  return list.map((i) => {
    const l = i.location;
    return `${i.code.replace('CDT_HL7_', '')}@${l.segment}${l.sequence > 1 ? `[${l.sequence}]` : ''}${l.field ? `-${l.field}` : ''}${l.repetition ? `~${l.repetition}` : ''}${l.component ? `.${l.component}` : ''}`;
  });
}

test('every supported ADT event passes when complete', () => {
  for (const ev of ['A01', 'A02', 'A03', 'A04', 'A05', 'A08', 'A11', 'A13', 'A31']) {
    assert.deepEqual(issues([MSH(`ADT^${ev}`), EVN, PID, PV1]), [], ev);
  }
  assert.deepEqual(issues([MSH('ADT^A40^ADT_A39'), EVN, PID, MRG]), []);
  assert.deepEqual(issues([MSH('ORU^R01^ORU_R01'), PID, OBR, OBX]), []);
  assert.deepEqual(issues([MSH('ORU^R01'), PID, PV1, OBR]), [], 'an ORU without OBX reports order status');
});

test('required segments per event', () => {
  assert.deepEqual(show(issues([MSH('ADT^A01'), PID])), ['REQUIRED_SEGMENT_MISSING@EVN', 'REQUIRED_SEGMENT_MISSING@PV1']);
  assert.deepEqual(show(issues([MSH('ADT^A40'), EVN, PID])), ['REQUIRED_SEGMENT_MISSING@MRG']);
  assert.deepEqual(show(issues([MSH('ADT^A40'), EVN, PID, MRG])), [], 'PV1 is optional in ADT_A39');
  assert.deepEqual(show(issues([MSH('ORU^R01'), OBX])), ['REQUIRED_SEGMENT_MISSING@PID', 'REQUIRED_SEGMENT_MISSING@OBR']);
});

test('required MSH fields, and MSH-9.2 except for v2.3 ACKs', () => {
  const bare = 'MSH|^~\\&|EHR|GH|CONDUIT|HUB|||ADT|||';
  assert.deepEqual(show(issues([bare, EVN, PID, PV1], { unsupportedEvents: 'accept' })), [
    'REQUIRED_FIELD_MISSING@MSH-9.2', 'REQUIRED_FIELD_MISSING@MSH-7', 'REQUIRED_FIELD_MISSING@MSH-10', 'REQUIRED_FIELD_MISSING@MSH-11', 'REQUIRED_FIELD_MISSING@MSH-12',
  ]);
  assert.deepEqual(show(issues([MSH('ACK'), 'MSA|AA|1'], { unsupportedEvents: 'accept' })), []);
  assert.deepEqual(show(issues(['MSH|^~\\&|A|B|C|D|20240101||^A01|1|P|2.5', EVN, PID, PV1])), ['REQUIRED_FIELD_MISSING@MSH-9.1']);
});

test('required fields: PID-3, PID-5, PV1-2, EVN-2, MRG-1, OBR-4, OBR-25 in ORU, OBX-3, OBX-11', () => {
  assert.deepEqual(show(issues([MSH('ADT^A01'), 'EVN|A01', 'PID|1||||', 'PV1|1'])), [
    'REQUIRED_FIELD_MISSING@EVN-2', 'REQUIRED_FIELD_MISSING@PID-3', 'REQUIRED_FIELD_MISSING@PID-5', 'REQUIRED_FIELD_MISSING@PV1-2',
  ]);
  assert.deepEqual(show(issues([MSH('ADT^A40'), EVN, PID, 'MRG||1'])), ['REQUIRED_FIELD_MISSING@MRG-1']);
  assert.deepEqual(show(issues([MSH('ORU^R01'), PID, 'OBR|1', 'OBX|1|NM|||5|||||||'])), [
    'REQUIRED_FIELD_MISSING@OBR-4', 'REQUIRED_FIELD_MISSING@OBR-25', 'REQUIRED_FIELD_MISSING@OBX-3', 'REQUIRED_FIELD_MISSING@OBX-11',
  ]);
  assert.deepEqual(show(issues([MSH('ADT^A01'), EVN, 'PID|1||""||""', PV1])), ['REQUIRED_FIELD_MISSING@PID-3', 'REQUIRED_FIELD_MISSING@PID-5'], 'the explicit null is not a value');
});

test('header refusals come first and map to AR; content errors map to AE', () => {
  const list = issues(['MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|X|2.2', 'PID|1']);
  assert.deepEqual(show(list), [
    'UNSUPPORTED_VERSION@MSH-12', 'UNSUPPORTED_PROCESSING_ID@MSH-11',
    'REQUIRED_SEGMENT_MISSING@EVN', 'REQUIRED_SEGMENT_MISSING@PV1', 'REQUIRED_FIELD_MISSING@PID-3', 'REQUIRED_FIELD_MISSING@PID-5',
  ]);
  assert.deepEqual(list.map(ackCodeForIssue), ['AR', 'AR', 'AE', 'AE', 'AE', 'AE']);
});

test('versions 2.3 to 2.8 are read; the listener may narrow them and its processing ids', () => {
  for (const v of ['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.2']) {
    assert.deepEqual(issues([`MSH|^~\\&|A|B|C|D|20240101||ADT^A08|1|P|${v}`, EVN, PID, PV1]), [], v);
  }
  assert.deepEqual(show(issues([MSH('ADT^A08'), EVN, PID, PV1], { versions: ['2.3'] })), ['UNSUPPORTED_VERSION@MSH-12']);
  assert.deepEqual(show(issues([MSH('ADT^A08'), EVN, PID, PV1], { processingIds: ['T'] })), ['UNSUPPORTED_PROCESSING_ID@MSH-11']);
  assert.deepEqual(issues(['MSH|^~\\&|A|B|C|D|20240101||ADT^A08|1|P^T|2.5.1', EVN, PID, PV1]), [], 'MSH-11.2 processing mode is not the id');
});

test('unsupported types and events: reject by default, accept when configured', () => {
  assert.deepEqual(show(issues([MSH('SIU^S12'), PID])), ['UNSUPPORTED_MESSAGE_TYPE@MSH-9.1']);
  assert.deepEqual(show(issues([MSH('ADT^A28'), EVN, PID, PV1])), ['UNSUPPORTED_EVENT@MSH-9.2']);
  assert.deepEqual(show(issues([MSH('ADT^A28'), EVN, PID, PV1], { unsupportedEvents: 'accept' })), []);
  assert.deepEqual(show(issues([MSH('SIU^S12'), 'PID|1||^^^X'], { unsupportedEvents: 'accept' })), ['REQUIRED_FIELD_MISSING@PID-5', 'INVALID_IDENTIFIER@PID-3~1.1'], 'content checks still apply');
});

test('Z-segments: kept by default, refused unless known when the listener says so', () => {
  const segs = [MSH('ADT^A01'), EVN, PID, PV1, 'ZPI|1', 'ZXX|2', 'ZPI|3'];
  assert.deepEqual(issues(segs), []);
  assert.deepEqual(show(issues(segs, { unknownZSegments: 'reject', knownZSegments: ['ZPI'] })), ['UNKNOWN_Z_SEGMENT@ZXX']);
  assert.deepEqual(show(issues(segs, { unknownZSegments: 'reject' })), ['UNKNOWN_Z_SEGMENT@ZPI', 'UNKNOWN_Z_SEGMENT@ZXX', 'UNKNOWN_Z_SEGMENT@ZPI[2]']);
});

test('a second MSH or a batch envelope in one message is refused', () => {
  assert.deepEqual(show(issues([MSH('ADT^A01'), EVN, PID, PV1, MSH('ADT^A08'), EVN])), ['MULTIPLE_MESSAGES@MSH[2]']);
  assert.deepEqual(show(issues([MSH('ADT^A01'), EVN, PID, PV1, 'BTS|1'])), ['MULTIPLE_MESSAGES@BTS']);
});

test('timestamps are checked as DTM wherever they appear', () => {
  assert.deepEqual(show(issues(['MSH|^~\\&|A|B|C|D|20241301||ADT^A01|1|P|2.5', 'EVN|A01|2024010225', 'PID|1||1^^^A||D^J||196203520', `PV1|1|I${'|'.repeat(42)}20240230`])), [
    'INVALID_TIMESTAMP@MSH-7', 'INVALID_TIMESTAMP@EVN-2', 'INVALID_TIMESTAMP@PID-7', 'INVALID_TIMESTAMP@PV1-44',
  ]);
  assert.deepEqual(issues([MSH('ADT^A01'), 'EVN|A01|20240102030405.1234-0500^S', PID, PV1]), [], 'TS.2 precision is ignored');
});

test('CX and XPN: every repetition sent needs an ID number, every name a family or given name', () => {
  assert.deepEqual(show(issues([MSH('ADT^A01'), EVN, 'PID|1||111^^^A~^^^B^SS~||Doe~^^^^Jr~^Ann', PV1])), ['INVALID_IDENTIFIER@PID-3~2.1', 'INVALID_NAME@PID-5~2']);
  assert.deepEqual(show(issues([MSH('ADT^A40'), EVN, PID, 'MRG|1~^^^X'])), ['INVALID_IDENTIFIER@MRG-1~2.1']);
});

test('OBX: value types (0125), result status (0085), OBX-5 against OBX-2', () => {
  const oru = (...obx: string[]) => issues([MSH('ORU^R01'), PID, OBR, ...obx]);
  assert.deepEqual(show(oru('OBX|1|XX|1^a^L||5||||||F', 'OBX|2|NM|1^a^L||5||||||Q', 'OBX|3||1^a^L||5||||||F')), [
    'UNKNOWN_VALUE_TYPE@OBX-2', 'INVALID_RESULT_STATUS@OBX[2]-11', 'REQUIRED_FIELD_MISSING@OBX[3]-2',
  ]);
  assert.deepEqual(show(oru('OBX|1|NM|1^a^L||>5||||||F', 'OBX|2|NM|1^a^L||5~x||||||F', 'OBX|3|NM|1^a^L||||||||X', 'OBX|4|NM|1^a^L||""||||||D')), [
    'INVALID_NUMBER@OBX-5~1', 'INVALID_NUMBER@OBX[2]-5~2',
  ]);
  assert.deepEqual(show(oru('OBX|1|SN|1^a^L||>^10||||||F', 'OBX|2|SN|1^a^L||^V02^MEDICAID||||||F', 'OBX|3|DT|1^a^L||20240230||||||F', 'OBX|4|TS|1^a^L||20240101120000^S||||||F')), [
    'INVALID_NUMBER@OBX[2]-5~1.2', 'INVALID_TIMESTAMP@OBX[3]-5~1',
  ]);
  assert.deepEqual(oru('OBX|1|ST|1^a^L||anything \\T\\ goes||||||F', 'OBX|2|FT|1^a^L||x\\.br\\y||||||A'), []);
});

test('LOINC codes are checked where the coding system is LN (primary and alternate)', () => {
  const oru = (obr4: string, obx3: string) => issues([MSH('ORU^R01'), PID, `OBR|1|||${obr4}|||||||||||||||||||||F`, `OBX|1|NM|${obx3}||1||||||F`]);
  assert.deepEqual(oru('24323-8^Panel^LN', '2345-7^Glucose^LN^GLU^Glucose^L'), []);
  assert.deepEqual(show(oru('24323-9^Panel^LN', 'GLU^Glucose^L^2345-8^Glucose^LN')), ['INVALID_LOINC@OBR-4~1.1', 'INVALID_LOINC@OBX-3~1.4']);
  assert.deepEqual(show(oru('24323^Panel^LN', '2345-7^Glucose^99LAB')), ['INVALID_LOINC@OBR-4~1.1']);
});

test('OBX-6 units are checked as UCUM only where the coding system says UCUM', () => {
  const oru = (obx6: string) => show(issues([MSH('ORU^R01'), PID, OBR, `OBX|1|NM|2345-7^Glucose^LN||5.4|${obx6}|||||F`]));
  assert.deepEqual(oru('mg/dL^milligram per deciliter^UCUM'), []);
  assert.deepEqual(oru('mcg/dL^^UCUM'), ['INVALID_UCUM_UNIT@OBX-6~1.1']);
  assert.deepEqual(oru('mcg/dL^^L^ug/dL^^UCUM'), []);
  assert.deepEqual(oru('MCG/DL^^L^mcg/dL^^UCUM'), ['INVALID_UCUM_UNIT@OBX-6~1.4']);
  assert.deepEqual(oru('mcg/dL'), [], 'no coding system: not checked');
});

test('issues carry codes and locations only, never message values', () => {
  const secret = 'SSN-123-45-6789';
  const list = issues([`MSH|^~\\&|A|B|C|D|${secret}||ADT^A01|1|P|2.5`, EVN, `PID|1||^^^${secret}||^^^^${secret}`, PV1]);
  assert.equal(list.length, 3);
  assert.equal(JSON.stringify(list).includes(secret), false);
  assert.equal(JSON.stringify(list).includes('123'), false);
  for (const i of list) assert.deepEqual(Object.keys(i).sort(), ['code', 'location']);
});
