import { ConduitError } from '@conduit/errors';

/*
 * segments   := segment (terminator segment)* [terminator]
 * terminator := CR                        (v2.5 chapter 2; MLLP feeds)
 *             | CR | LF | CR LF           (lenient: HTTP bodies and files)
 * Empty segments (two terminators in a row) are skipped; a blank tail after the last
 * terminator (a file's final newline) is tolerated.
 */

/** Where each segment of a text is, in order. */
export interface SegmentTable {
  /** Start and end offset of segment i at 2i and 2i + 1. */
  readonly bounds: number[];
  /** Segment i's ID packed into one number (three character codes), for lookups by name. */
  readonly names: number[];
}

/**
 * Locates every segment in text[from, to). Throws a ConduitError when the text is not a sequence
 * of segments: a segment that does not begin with a segment ID, or segments run together with
 * spaces or line feeds.
 */
export function locateSegments(text: string, from: number, to: number, fieldSep: string, lenient: boolean): SegmentTable {
  const fs = fieldSep.charCodeAt(0);
  const bounds: number[] = [];
  const names: number[] = [];
  let p = from;
  let cr = text.indexOf('\r', p);
  let lf = lenient ? text.indexOf('\n', p) : -1;
  while (p < to) {
    if (cr !== -1 && cr < p) cr = text.indexOf('\r', p);
    if (lf !== -1 && lf < p) lf = text.indexOf('\n', p);
    let e = cr === -1 || cr > to ? to : cr;
    if (lf !== -1 && lf < e) e = lf;
    if (e > p) {
      const name = segmentIdAt(text, p, e, fs);
      if (name !== -1) {
        bounds.push(p, e);
        names.push(name);
      } else if (!(e === to && isBlank(text, p, e))) {
        // A blank tail (a trailing newline after the last CR) is tolerated; anything else is not.
        throw text.charCodeAt(p) === 0x0a
          ? new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', `line feed after segment ${names.length}`)
          : new ConduitError('CDT_HL7_BAD_SEGMENT_ID', `segment ${names.length + 1}`);
      }
    }
    p = e + 1;
  }
  refuseRunTogetherSegments(text, from, to, fieldSep, lenient, names.length);
  return { bounds, names };
}

/**
 * The segment ID that text[p, e) starts with, packed into one number (three character codes), or
 * -1 when it does not start with one: [A-Z][A-Z0-9]{2} followed by the field separator or the end
 * of the segment (segment IDs, v2.5 chapter 2).
 */
function segmentIdAt(text: string, p: number, e: number, fs: number): number {
  if (e - p < 3) return -1;
  const a = text.charCodeAt(p);
  const b = text.charCodeAt(p + 1);
  const c = text.charCodeAt(p + 2);
  const isId = a >= 0x41 && a <= 0x5a && isUpperOrDigit(b) && isUpperOrDigit(c) && (e === p + 3 || text.charCodeAt(p + 3) === fs);
  return isId ? (a << 16) | (b << 8) | c : -1;
}

function isUpperOrDigit(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** Spaces, tabs, line feeds and the DOS end-of-file mark (0x1A) some file exports append. */
function isBlank(text: string, p: number, e: number): boolean {
  for (let i = p; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x1a) return false;
  }
  return true;
}

/**
 * A segment ID right after a space or line feed means segments were joined by the wrong
 * character (the corpus' space-separated ADT; LF files sent over MLLP). Guessing where the
 * segments end would invent a message, so it is refused. A line feed inside a field is data.
 * Only a text that came out as one segment is searched: LF-only and space-joined messages
 * always do, and CR LF ones are caught earlier by the line feed that starts each segment.
 */
function refuseRunTogetherSegments(text: string, from: number, to: number, fieldSep: string, lenient: boolean, segments: number): void {
  if (segments !== 1) return;
  let lf = lenient ? -1 : text.indexOf('\n', from);
  const fs = fieldSep.charCodeAt(0);
  while (lf !== -1 && lf < to) {
    if (segmentIdAt(text, lf + 1, Math.min(to, lf + 5), fs) !== -1 && lf + 4 < to) {
      throw new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', 'segments separated by line feeds');
    }
    lf = text.indexOf('\n', lf + 1);
  }
  const joined = new RegExp(`[ \\t]([A-Z][A-Z0-9]{2})${fieldSep.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`);
  if (joined.test(text.slice(from, to))) throw new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', 'segments separated by spaces');
}
