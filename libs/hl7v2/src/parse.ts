import { readDelimiters, type Hl7Delimiters } from './delimiters.ts';
import type { HexCharset } from './escape.ts';
import { locateSegments, type SegmentTable } from './locate-segments.ts';
import { grammarOf, Hl7Segment, type Hl7Grammar, type SegmentContext } from './segment.ts';

/*
 * message := MSH-segment (terminator segment)* [terminator]      (terminators: locate-segments.ts)
 *
 * Parsing is lazy: segments are located once (one indexOf per segment), fields are found only
 * when a segment is read, values are unescaped only when asked for. Building the whole tree up
 * front is what makes general-purpose parsers slow (stack notes: parser survey).
 */

export interface Hl7Message {
  readonly raw: string;
  readonly delimiters: Hl7Delimiters;
  readonly segments: readonly Hl7Segment[];
  segment(name: string): Hl7Segment | undefined;
  segmentsNamed(name: string): Hl7Segment[];
  readonly msh: Hl7Segment;
}

export interface ParseOptions {
  /** Also end segments at LF and CR LF (HTTP and file uploads); MLLP feeds use CR only. */
  readonly lenientSegmentTerminators?: boolean;
}

export function parseHl7(text: string, options: ParseOptions = {}): Hl7Message {
  const delimiters = readDelimiters(text);
  const table = locateSegments(text, 0, text.length, delimiters.field, options.lenientSegmentTerminators === true);
  return new ParsedMessage(text, delimiters, table);
}

class ParsedMessage implements Hl7Message, SegmentContext {
  readonly raw: string;
  readonly delimiters: Hl7Delimiters;
  private readonly grammar: Hl7Grammar;
  private readonly table: SegmentTable;
  private readonly views: (Hl7Segment | undefined)[];
  private all: Hl7Segment[] | undefined;
  private hex: HexCharset | undefined;

  constructor(text: string, delimiters: Hl7Delimiters, table: SegmentTable) {
    this.raw = text;
    this.delimiters = delimiters;
    this.table = table;
    this.views = new Array<Hl7Segment | undefined>(table.names.length);
    this.grammar = grammarOf(delimiters);
  }

  hexCharset(): HexCharset {
    return (this.hex ??= this.msh.rawValue(18) === 'UNICODE UTF-8' ? 'utf8' : 'latin1');
  }

  get msh(): Hl7Segment {
    return this.at(0);
  }

  get segments(): readonly Hl7Segment[] {
    if (this.all === undefined) {
      const all: Hl7Segment[] = [];
      for (let i = 0; i < this.views.length; i++) all.push(this.at(i));
      this.all = all;
    }
    return this.all;
  }

  segment(name: string): Hl7Segment | undefined {
    const code = nameCode(name);
    const names = this.table.names;
    for (let i = 0; i < names.length; i++) if (names[i] === code) return this.at(i);
    return undefined;
  }

  segmentsNamed(name: string): Hl7Segment[] {
    const out: Hl7Segment[] = [];
    const code = nameCode(name);
    const names = this.table.names;
    for (let i = 0; i < names.length; i++) if (names[i] === code) out.push(this.at(i));
    return out;
  }

  private at(i: number): Hl7Segment {
    return (this.views[i] ??= new Hl7Segment(this.raw, this.grammar, this.table.bounds[2 * i]!, this.table.bounds[2 * i + 1]!, this));
  }
}

/** The three characters of a segment ID packed into one number; -1 for anything else. */
function nameCode(name: string): number {
  return name.length === 3 ? (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2) : -1;
}
