import type { Hl7Delimiters } from './delimiters.ts';

/*
 * HL7 v2 escape sequences (v2.5 §2.7): between two escape characters E,
 *   F field sep   S component sep   T subcomponent sep   R repetition sep   E escape char
 *   P truncation char (v2.7)   Xhh… hexadecimal bytes   .br line break (formatted text)
 *   H / N highlight on/off, Cxxyy / Mxxyyzz charset switches, Zxxx local: dropped from text.
 */
export function unescapeValue(value: string, d: Hl7Delimiters): string {
  if (value.indexOf(d.escape) === -1) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(d.escape, i);
    if (start === -1) {
      out += value.slice(i);
      break;
    }
    const end = value.indexOf(d.escape, start + 1);
    if (end === -1) {
      // A lone escape character is kept as data: real feeds send bare backslashes.
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const seq = value.slice(start + 1, end);
    out += decodeSequence(seq, d) ?? value.slice(start, end + 1);
    i = end + 1;
  }
  return out;
}

function decodeSequence(seq: string, d: Hl7Delimiters): string | null {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'P': return d.truncation || null;
    case '.br': return '\n';
    case 'H': case 'N': return '';
    case '': return null;
  }
  if (seq[0] === 'X' && /^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) {
    return Buffer.from(seq.slice(1), 'hex').toString('latin1');
  }
  if (seq[0] === '.' || seq[0] === 'C' || seq[0] === 'M' || seq[0] === 'Z') return '';
  return null;
}

/** Escapes delimiter characters in a value we write into a message (ACK texts, ERR). */
export function escapeValue(value: string, d: Hl7Delimiters): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r' || ch === '\n') out += `${d.escape}.br${d.escape}`;
    else out += ch;
  }
  return out;
}
