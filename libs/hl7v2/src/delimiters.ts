import { ConduitError } from '@conduit/errors';

export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
  /** Present from v2.7 (MSH-2 position 5); empty when the sender does not declare it. */
  readonly truncation: string;
}

export const DEFAULT_DELIMITERS: Hl7Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** Segments whose field 1 is the field separator and field 2 the encoding characters (v2.5 §2.10.3). */
const HEADER_SEGMENTS = ['MSH', 'FHS', 'BHS'] as const;

/**
 * Reads the delimiters a message declares (v2.5 §2.5.4, MSH-1 and MSH-2; v2.7 §2.5.5 adds the
 * truncation character as MSH-2 position 5). Refuses text that does not start with MSH.
 */
export function readDelimiters(text: string): Hl7Delimiters {
  if (!text.startsWith('MSH')) throw new ConduitError('CDT_HL7_NOT_HL7');
  // Nearly every feed declares the defaults; skip the general checks for them.
  if (text.startsWith('|^~\\&|', 3)) return DEFAULT_DELIMITERS;
  return readDelimitersAt(text, 0);
}

/** Same as readDelimiters for any header segment (MSH, FHS, BHS) starting at offset. */
export function readDelimitersAt(text: string, offset: number): Hl7Delimiters {
  const name = text.slice(offset, offset + 3);
  if (!(HEADER_SEGMENTS as readonly string[]).includes(name) || text.length < offset + 8) throw new ConduitError('CDT_HL7_NOT_HL7');
  const field = text[offset + 3]!;
  let encEnd = text.indexOf(field, offset + 4);
  if (encEnd === -1) encEnd = text.length;
  let enc = text.slice(offset + 4, encEnd);
  const lineEnd = enc.search(/[\r\n]/);
  if (lineEnd !== -1) enc = enc.slice(0, lineEnd);
  // Senders whose source code escaped the backslash twice write "^~\\&" (LinuxForHealth's sample
  // feeds): five characters whose 4th repeats the escape. Read it as "^~\&"; re-encoding keeps
  // the original bytes because the raw text is never rewritten.
  if (enc.length === 5 && enc[2] === enc[3]) enc = enc.slice(0, 3) + enc.slice(4);
  if (enc.length < 4 || enc.length > 5) throw new ConduitError('CDT_HL7_BAD_DELIMITERS', `encoding characters: ${enc.length}`);
  const d: Hl7Delimiters = {
    field,
    component: enc[0]!,
    repetition: enc[1]!,
    escape: enc[2]!,
    subcomponent: enc[3]!,
    truncation: enc[4] ?? '',
  };
  const set = [d.field, d.component, d.repetition, d.escape, d.subcomponent, ...(d.truncation ? [d.truncation] : [])];
  if (new Set(set).size !== set.length || set.some((ch) => /[A-Za-z0-9\s]/.test(ch))) {
    throw new ConduitError('CDT_HL7_BAD_DELIMITERS');
  }
  return d;
}
