import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import { decodeHl7Bytes, encodeHl7Text } from './charset.ts';
import { encodeHl7, encodeHl7Bytes } from './encode.ts';
import { parseHl7 } from './parse.ts';

const msh = (msh18: string) => `MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5.1||||||${msh18}\rPID|1||1||`;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConduitError) return err.code;
    throw err;
  }
  return 'no error';
}

test('MSH-18 UNICODE UTF-8 decodes UTF-8 and re-encodes to the same bytes', () => {
  const bytes = Buffer.from(`${msh('UNICODE UTF-8')}Zoë^Ångström\r`, 'utf8');
  const { text, charset } = decodeHl7Bytes(bytes);
  assert.equal(charset, 'UNICODE UTF-8');
  const m = parseHl7(text);
  assert.equal(m.segment('PID')?.get(5, 1, 2), 'Ångström');
  assert.equal(encodeHl7(m), text);
  assert.deepEqual(encodeHl7Bytes(m, charset), bytes);
});

test('MSH-18 8859/1 decodes Latin-1 bytes', () => {
  const bytes = Buffer.concat([Buffer.from(`${msh('8859/1')}Zo`, 'latin1'), Buffer.of(0xeb), Buffer.from('\r')]);
  const { text, charset } = decodeHl7Bytes(bytes);
  assert.equal(charset, '8859/1');
  assert.equal(parseHl7(text).segment('PID')?.get(5), 'Zoë');
  assert.deepEqual(encodeHl7Bytes(parseHl7(text), charset), bytes);
});

test('an empty MSH-18 means ASCII; 8-bit bytes in it are refused, not guessed', () => {
  assert.equal(decodeHl7Bytes(Buffer.from(`${msh('')}Zoe\r`)).charset, 'ASCII');
  assert.equal(decodeHl7Bytes(Buffer.from(`${msh('""')}Zoe\r`)).charset, 'ASCII');
  assert.equal(decodeHl7Bytes(Buffer.from(`${msh('ISO IR6')}Zoe\r`)).charset, 'ASCII');
  assert.equal(codeOf(() => decodeHl7Bytes(Buffer.from(`${msh('')}Zoë\r`, 'utf8'))), 'CDT_HL7_CHARSET_MISMATCH');
  assert.equal(codeOf(() => decodeHl7Bytes(Buffer.from(`${msh('ASCII')}Zoë\r`, 'latin1'))), 'CDT_HL7_CHARSET_MISMATCH');
});

test('invalid UTF-8 in a UTF-8 message is refused', () => {
  const bytes = Buffer.concat([Buffer.from(msh('UNICODE UTF-8')), Buffer.of(0xc3, 0x28), Buffer.from('\r')]);
  assert.equal(codeOf(() => decodeHl7Bytes(bytes)), 'CDT_HL7_CHARSET_MISMATCH');
});

test('an unknown MSH-18 is refused with a catalogued AR error', () => {
  const err = (() => {
    try {
      decodeHl7Bytes(Buffer.from(`${msh('UNICODE UTF-16')}x\r`));
    } catch (e) {
      return e as ConduitError;
    }
    return undefined;
  })();
  assert.equal(err?.code, 'CDT_HL7_UNSUPPORTED_CHARSET');
  assert.equal(err?.entry.ack, 'AR');
  assert.equal(err?.detail, 'MSH-18');
});

test('charsetOverride wins over what the feed declares', () => {
  const bytes = Buffer.from(`${msh('ASCII')}Zoë\r`, 'utf8');
  const { text, charset } = decodeHl7Bytes(bytes, { charsetOverride: 'UNICODE UTF-8' });
  assert.equal(charset, 'UNICODE UTF-8');
  assert.equal(parseHl7(text).segment('PID')?.get(5), 'Zoë');
  assert.equal(codeOf(() => decodeHl7Bytes(bytes, { charsetOverride: 'EBCDIC' })), 'CDT_HL7_UNSUPPORTED_CHARSET');
});

test('the first repetition of MSH-18 decides; a batch uses its first MSH', () => {
  assert.equal(decodeHl7Bytes(Buffer.from(`${msh('UNICODE UTF-8~8859/1')}x\r`)).charset, 'UNICODE UTF-8');
  const batch = Buffer.from(`FHS|^~\\&|X\rBHS|^~\\&|X\r${msh('8859/1')}x\rBTS|1\rFTS|1\r`);
  assert.equal(decodeHl7Bytes(batch).charset, '8859/1');
});

test('encodeHl7Text refuses characters the charset cannot carry', () => {
  assert.equal(codeOf(() => encodeHl7Text('Zoë', 'ASCII')), 'CDT_HL7_CHARSET_MISMATCH');
  assert.equal(codeOf(() => encodeHl7Text('Ω', '8859/1')), 'CDT_HL7_CHARSET_MISMATCH');
  assert.deepEqual(encodeHl7Text('Ω', 'UNICODE UTF-8'), Buffer.from('Ω', 'utf8'));
});

test('bytes without an MSH are refused as not HL7, not as a character set problem', () => {
  assert.equal(codeOf(() => decodeHl7Bytes(Buffer.from([0xff, 0xfe, 0x00, 0x41]))), 'CDT_HL7_NOT_HL7');
  assert.equal(codeOf(() => decodeHl7Bytes(Buffer.from('FHS|^~\\&|X\rBTS|0\r'))), 'CDT_HL7_NOT_HL7');
  assert.equal(codeOf(() => decodeHl7Bytes(Buffer.from('MSH|^~'))), 'CDT_HL7_NOT_HL7');
  assert.equal(decodeHl7Bytes(Buffer.from([0xff, 0x41]), { charsetOverride: '8859/1' }).text, 'ÿA', 'an override decodes whatever comes; the parser judges it');
});
