import { isAscii, isUtf8 } from 'node:buffer';
import { ConduitError } from '@conduit/errors';

/*
 * Character sets (v2.5 §2.15.9.18, MSH-18, HL7 table 0211). The first repetition of MSH-18 is
 * the set the whole message is written in; when MSH-18 is empty the default is ASCII. We decode
 * the three sets our feeds use and refuse the rest rather than guess: a message read in the wrong
 * set corrupts names silently. Feeds that declare one set and send another get a per-listener
 * charsetOverride instead of a heuristic.
 */

export const Hl7Charset = { ascii: 'ASCII', latin1: '8859/1', utf8: 'UNICODE UTF-8' } as const;
export type Hl7Charset = (typeof Hl7Charset)[keyof typeof Hl7Charset];

/** Table 0211 names we accept; empty (or the explicit null) means the ASCII default. */
const CHARSET_NAMES: Readonly<Record<string, Hl7Charset>> = {
  '': 'ASCII',
  '""': 'ASCII',
  'ASCII': 'ASCII',
  'ISO IR6': 'ASCII',
  '8859/1': '8859/1',
  'UNICODE UTF-8': 'UNICODE UTF-8',
};

export interface DecodeOptions {
  /** A table 0211 name that replaces whatever MSH-18 says (for feeds that lie). */
  readonly charsetOverride?: string;
}

export interface DecodedHl7 {
  readonly text: string;
  readonly charset: Hl7Charset;
}

export function decodeHl7Bytes(bytes: Buffer, options: DecodeOptions = {}): DecodedHl7 {
  const declared = options.charsetOverride ?? readDeclaredCharset(bytes);
  // No MSH to read MSH-18 from: say so, rather than blame the character set.
  if (declared === undefined) throw new ConduitError('CDT_HL7_NOT_HL7');
  const charset = CHARSET_NAMES[declared.trim()];
  if (charset === undefined) throw new ConduitError('CDT_HL7_UNSUPPORTED_CHARSET', options.charsetOverride === undefined ? 'MSH-18' : 'charsetOverride');
  switch (charset) {
    case 'ASCII':
      if (!isAscii(bytes)) throw new ConduitError('CDT_HL7_CHARSET_MISMATCH', 'bytes above 0x7F in an ASCII message');
      return { text: bytes.toString('latin1'), charset };
    case '8859/1':
      return { text: bytes.toString('latin1'), charset };
    case 'UNICODE UTF-8':
      if (!isUtf8(bytes)) throw new ConduitError('CDT_HL7_CHARSET_MISMATCH', 'invalid UTF-8');
      return { text: bytes.toString('utf8'), charset };
  }
}

/** Writes text back in a character set; the inverse of decodeHl7Bytes for the same charset. */
export function encodeHl7Text(text: string, charset: Hl7Charset): Buffer {
  switch (charset) {
    case 'ASCII':
      if (!/^[\x00-\x7f]*$/.test(text)) throw new ConduitError('CDT_HL7_CHARSET_MISMATCH', 'characters outside ASCII');
      return Buffer.from(text, 'latin1');
    case '8859/1':
      if (!/^[\x00-\xff]*$/.test(text)) throw new ConduitError('CDT_HL7_CHARSET_MISMATCH', 'characters outside ISO 8859-1');
      return Buffer.from(text, 'latin1');
    case 'UNICODE UTF-8':
      return Buffer.from(text, 'utf8');
  }
}

/**
 * MSH-18, first repetition, read from the bytes before any decoding: the header segment is
 * plain ASCII in every set we support. In a batch (FHS/BHS first) the first MSH decides.
 */
function readDeclaredCharset(bytes: Buffer): string | undefined {
  let start = 0;
  const head = bytes.subarray(0, 3).toString('latin1');
  if (head !== 'MSH') {
    if (head !== 'FHS' && head !== 'BHS') return undefined;
    const found = /[\r\n]MSH/.exec(bytes.subarray(0, Math.min(bytes.length, 65536)).toString('latin1'));
    if (found === null) return undefined;
    start = found.index + 1;
  }
  let lineEnd = bytes.length;
  for (let i = start; i < bytes.length; i++) {
    if (bytes[i] === 0x0d || bytes[i] === 0x0a) {
      lineEnd = i;
      break;
    }
  }
  const msh = bytes.subarray(start, lineEnd).toString('latin1');
  if (msh.length < 8) return undefined;
  const fieldSep = msh[3]!;
  const repetitionSep = msh[5]!;
  // MSH-1 is the separator itself, so split index n-1 holds MSH-n.
  const msh18 = msh.split(fieldSep)[17] ?? '';
  return msh18.split(repetitionSep)[0] ?? '';
}
