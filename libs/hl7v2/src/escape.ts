import type { Hl7Delimiters } from './delimiters.ts';

/** How the bytes of a \Xhh..\ sequence become text: the message's own character set (MSH-18). */
export type HexCharset = 'latin1' | 'utf8';

/*
 * HL7 v2 escape sequences (v2.5 §2.7), written between two escape characters E:
 *   F field sep   S component sep   T subcomponent sep   R repetition sep   E escape char
 *   P truncation char (added in v2.7)   Xhh… hexadecimal bytes
 *   H / N start / end highlighting: presentation only, dropped from the value
 *   Cxxyy / Mxxyyzz single- and multi-byte character set switches: dropped, the text around
 *     them is already decoded
 *   Zxx… locally defined: dropped, no local meaning is agreed with any sender
 *   .br .sp n .ce .sk n .fi .nf .in n .ti n formatted-text commands (data type FT): line
 *     structure kept as newlines and spaces, layout hints dropped
 * A lone escape character or an unknown sequence is kept as data: real feeds send bare
 * backslashes (Windows paths, regexes in free text) and refusing them helps no one.
 */
export function unescapeValue(value: string, d: Hl7Delimiters, hex: HexCharset = 'latin1'): string {
  let start = value.indexOf(d.escape);
  if (start === -1) return value;
  let out = '';
  let i = 0;
  while (start !== -1) {
    const end = value.indexOf(d.escape, start + 1);
    if (end === -1) break;
    const decoded = decodeSequence(value.slice(start + 1, end), d, hex);
    if (decoded === null) {
      // Not a sequence: keep the first escape character and look again from the second one.
      out += value.slice(i, end);
      i = end;
      start = end;
      continue;
    }
    out += value.slice(i, start) + decoded;
    i = end + 1;
    start = value.indexOf(d.escape, i);
  }
  return out + value.slice(i);
}

function decodeSequence(seq: string, d: Hl7Delimiters, hex: HexCharset): string | null {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'P': return d.truncation || null;
    case 'H': case 'N': return '';
    case '.br': case '.ce': return '\n';
    case '.fi': case '.nf': return '';
    case '': return null;
  }
  const head = seq[0];
  if (head === 'X') return /^X(?:[0-9A-Fa-f]{2})+$/.test(seq) ? decodeHex(seq.slice(1), hex) : null;
  if (head === 'C') return /^C[0-9A-Fa-f]{4}$/.test(seq) ? '' : null;
  if (head === 'M') return /^M[0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{2})?$/.test(seq) ? '' : null;
  if (head === 'Z') return /^Z[^\s]*$/.test(seq) ? '' : null;
  if (head === '.') return decodeFormatting(seq);
  return null;
}

function decodeHex(digits: string, hex: HexCharset): string {
  const bytes = Buffer.from(digits, 'hex');
  if (hex === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Bytes that are not UTF-8 are read one byte per character, as in a single-byte feed.
    }
  }
  return bytes.toString('latin1');
}

/** FT commands with an argument: .sp n (n line breaks), .sk n (n spaces), .in / .ti (indents). */
function decodeFormatting(seq: string): string | null {
  const m = /^\.(sp|sk|in|ti)\s*([+-]?\d{0,3})$/.exec(seq);
  if (!m) return null;
  const n = Math.max(0, Number(m[2] || '1'));
  if (m[1] === 'sp') return '\n'.repeat(Math.max(1, n));
  if (m[1] === 'sk') return ' '.repeat(n);
  return '';
}

/**
 * Escapes a value we write into a message (ACK texts, ERR). Line breaks become \.br\, the
 * only formatting command every receiver understands.
 */
export function escapeValue(value: string, d: Hl7Delimiters): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (d.truncation !== '' && ch === d.truncation) out += `${d.escape}P${d.escape}`;
    else if (ch === '\r' || ch === '\n') out += `${d.escape}.br${d.escape}`;
    else out += ch;
  }
  return out;
}
