import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHl7, readHeader } from '@conduit/hl7v2';
import type { IntakeOutcome } from './intake.ts';
import { mllpReplyFor, oversizedReply } from './mllp-replies.ts';

const NOW = new Date('2026-11-22T08:30:00Z');

function parsed(msh15 = '', msh16 = '') {
  const message = parseHl7(`MSH|^~\\&|EPIC|GOODHEALTH|CONDUIT|HUB|20261122083000||ADT^A01^ADT_A01|C123|P|2.5.1|||${msh15}|${msh16}\rEVN|A01|20261122083000\r`);
  return { correlationId: 'corr', header: readHeader(message), message, charset: 'ASCII' as const };
}

/** MSA-1, MSA-2 and ERR-5.1 of each frame. */
function read(frames: readonly (string | Buffer)[]) {
  return frames.map((f) => {
    const ack = parseHl7(f.toString());
    return [ack.segment('MSA')?.get(1), ack.segment('MSA')?.get(2), ack.segment('ERR')?.get(5, 1, 1) ?? ''];
  });
}

const stored = (p: ReturnType<typeof parsed>): IntakeOutcome => ({ ...p, kind: 'stored', eventId: 'e' });
const refusedAe = (p: ReturnType<typeof parsed>): IntakeOutcome => ({ ...p, kind: 'refused', refusals: [{ code: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 1, field: 5 } }] });
const refusedAr = (p: ReturnType<typeof parsed>): IntakeOutcome => ({ ...p, kind: 'refused', refusals: [{ code: 'CDT_INGEST_FACILITY_NOT_ALLOWED', location: { segment: 'MSH', sequence: 1, field: 4, component: 1 } }] });
const failed = (p: ReturnType<typeof parsed>): IntakeOutcome => ({ ...p, kind: 'failed', code: 'CDT_KAFKA_WRITE_FAILED', eventId: 'e' });

test('original mode: AA after storing, AE/AR with ERR for refusals, AE with the retriable code for a failed write', () => {
  const p = parsed();
  assert.deepEqual(read(mllpReplyFor(stored(p), NOW).frames), [['AA', 'C123', '']]);
  assert.deepEqual(read(mllpReplyFor({ ...p, kind: 'duplicate', eventId: 'e' }, NOW).frames), [['AA', 'C123', '']]);
  assert.deepEqual(read(mllpReplyFor(refusedAe(p), NOW).frames), [['AE', 'C123', 'CDT_HL7_REQUIRED_FIELD_MISSING']]);
  assert.deepEqual(read(mllpReplyFor(refusedAr(p), NOW).frames), [['AR', 'C123', 'CDT_INGEST_FACILITY_NOT_ALLOWED']]);
  assert.deepEqual(read(mllpReplyFor(failed(p), NOW).frames), [['AE', 'C123', 'CDT_KAFKA_WRITE_FAILED']]);
  const err = parseHl7(mllpReplyFor(refusedAe(p), NOW).frames[0]!.toString()).segment('ERR')!;
  assert.equal(err.rawField(2), 'PID^1^5', 'ERR-2 names the location');
  assert.equal(err.get(3, 1, 1), '101', 'ERR-3 carries the HL7 0357 code');
});

test('enhanced mode: CA after storing, then the application ACK as MSH-16 asks', () => {
  const cases: [string, string, string[][]][] = [
    ['AL', 'AL', [['CA', 'C123', ''], ['AA', 'C123', '']]],
    ['AL', 'NE', [['CA', 'C123', '']]],
    ['AL', 'ER', [['CA', 'C123', '']]],
    ['AL', 'SU', [['CA', 'C123', ''], ['AA', 'C123', '']]],
    ['NE', 'AL', [['AA', 'C123', '']]],
    ['ER', 'NE', []],
    ['SU', '', [['CA', 'C123', '']]],
    ['', 'AL', [['AA', 'C123', '']]],
  ];
  for (const [msh15, msh16, expected] of cases) {
    assert.deepEqual(read(mllpReplyFor(stored(parsed(msh15, msh16)), NOW).frames), expected, `MSH-15 ${msh15 || '(empty)'} MSH-16 ${msh16 || '(empty)'}`);
  }
});

test('enhanced mode: a message not committed is refused at the accept level, or at the application level when only MSH-16 asks', () => {
  assert.deepEqual(read(mllpReplyFor(refusedAe(parsed('AL', 'AL')), NOW).frames), [['CE', 'C123', 'CDT_HL7_REQUIRED_FIELD_MISSING']]);
  assert.deepEqual(read(mllpReplyFor(refusedAr(parsed('ER', 'NE')), NOW).frames), [['CR', 'C123', 'CDT_INGEST_FACILITY_NOT_ALLOWED']]);
  assert.deepEqual(read(mllpReplyFor(refusedAe(parsed('NE', 'ER')), NOW).frames), [['AE', 'C123', 'CDT_HL7_REQUIRED_FIELD_MISSING']]);
  assert.deepEqual(read(mllpReplyFor(refusedAe(parsed('SU', 'NE')), NOW).frames), [], 'the sender asked to hear nothing on errors');
  assert.deepEqual(read(mllpReplyFor(failed(parsed('AL', 'NE')), NOW).frames), [['CE', 'C123', 'CDT_KAFKA_WRITE_FAILED']]);
  assert.deepEqual(read(mllpReplyFor(failed(parsed('NE', 'AL')), NOW).frames), [['AE', 'C123', 'CDT_KAFKA_WRITE_FAILED']]);
  assert.deepEqual(mllpReplyFor(failed(parsed('NE', 'NE')), NOW), { frames: [], close: true }, 'never silence that looks like success');
});

test('acknowledgments we receive are not answered; an oversized frame gets AR without MSA-2', () => {
  assert.deepEqual(mllpReplyFor({ ...parsed(), kind: 'ignored' }, NOW), { frames: [] });
  assert.deepEqual(read(oversizedReply(NOW).frames), [['AR', '', 'CDT_MLLP_FRAME_TOO_LARGE']]);
});

test('ACKs are written in the message character set; characters it lacks become "?"', () => {
  const p = parsed();
  const refusal: IntakeOutcome = { ...p, kind: 'refused', refusals: [{ code: 'CDT_HL7_INVALID_TIMESTAMP', location: { segment: 'EVN', sequence: 1, field: 2 } }] };
  const ascii = mllpReplyFor(refusal, NOW).frames[0] as Buffer;
  assert.equal(ascii.every((b) => b < 0x80), true);
  const utf8 = mllpReplyFor({ ...refusal, charset: 'UNICODE UTF-8' }, NOW).frames[0] as Buffer;
  assert.equal(utf8.toString('utf8').includes('…'), true);
});
