import { ConduitError } from '@conduit/errors';

/*
 * segments   := segment (terminator segment)* [terminator]
 * terminator := CR                        (v2.5 chapter 2; MLLP feeds)
 *             | CR | LF | CR LF           (lenient: HTTP bodies and files)
 * Empty segments (two terminators in a row) are skipped; a blank tail after the last
 * terminator (a file's final newline) is tolerated.
 */

/**
 * Start offset, end offset and packed name (three character codes in one number) of every
 * segment in text[from, to), as triples in one array. Throws a ConduitError when the text is
 * not a sequence of segments: a segment that does not begin with a segment ID, or segments run
 * together with spaces or line feeds.
 */
export function locateSegments(text: string, from: number, to: number, fieldSep: string, lenient: boolean): number[] {
  const fs = fieldSep.charCodeAt(0);
  const bounds: number[] = [];
  let p = from;
  let cr = text.indexOf('\r', p);
  let lf = lenient ? text.indexOf('\n', p) : -1;
  while (p < to) {
    if (cr !== -1 && cr < p) cr = text.indexOf('\r', p);
    if (lf !== -1 && lf < p) lf = text.indexOf('\n', p);
    let e = cr === -1 || cr > to ? to : cr;
    if (lf !== -1 && lf < e) e = lf;
    if (e > p) {
      if (startsWithSegmentId(text, p, e, fs)) {
        bounds.push(p, e, (text.charCodeAt(p) << 16) | (text.charCodeAt(p + 1) << 8) | text.charCodeAt(p + 2));
      } else if (!(e === to && isBlank(text, p, e))) {
        // A blank tail (a trailing newline after the last CR) is tolerated; anything else is not.
        throw text.charCodeAt(p) === 0x0a
          ? new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', `line feed after segment ${bounds.length / 3}`)
          : new ConduitError('CDT_HL7_BAD_SEGMENT_ID', `segment ${bounds.length / 3 + 1}`);
      }
    }
    p = e + 1;
  }
  refuseRunTogetherSegments(text, from, to, fieldSep, lenient, bounds.length / 3);
  return bounds;
}

/** [A-Z][A-Z0-9]{2} followed by the field separator or the end of the segment (segment IDs, v2.5 chapter 2). */
function startsWithSegmentId(text: string, p: number, e: number, fs: number): boolean {
  if (e - p < 3) return false;
  const a = text.charCodeAt(p);
  const b = text.charCodeAt(p + 1);
  const c = text.charCodeAt(p + 2);
  return a >= 0x41 && a <= 0x5a && isUpperOrDigit(b) && isUpperOrDigit(c) && (e === p + 3 || text.charCodeAt(p + 3) === fs);
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
    if (startsWithSegmentId(text, lf + 1, Math.min(to, lf + 5), fs) && lf + 4 < to) {
      throw new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', 'segments separated by line feeds');
    }
    lf = text.indexOf('\n', lf + 1);
  }
  const joined = new RegExp(`[ \\t]([A-Z][A-Z0-9]{2})${fieldSep.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`);
  if (joined.test(text.slice(from, to))) throw new ConduitError('CDT_HL7_BAD_SEGMENT_TERMINATOR', 'segments separated by spaces');
}
