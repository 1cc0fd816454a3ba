import { ConduitError } from '@conduit/errors';
import type { Hl7Delimiters } from './delimiters.ts';
import { unescapeValue } from './escape.ts';

/*
 * message   := MSH-segment (segment-terminator segment)* [segment-terminator]
 * segment   := name (field-sep field)*           name := 3 alphanumerics
 * field     := repetition (rep-sep repetition)*
 * repetition:= component (comp-sep component)*
 * component := subcomponent (sub-sep subcomponent)*
 * MSH is special: MSH-1 is the field separator itself, MSH-2 the encoding characters.
 *
 * Parsing is lazy: segments are located once, fields are split only when a segment is read,
 * and values are unescaped only when asked for. Building the whole tree up front is what
 * makes general-purpose parsers slow (stack notes: parser survey).
 */

export class Hl7Segment {
  readonly name: string;
  readonly raw: string;
  private readonly d: Hl7Delimiters;
  private fields: string[] | null = null;

  constructor(raw: string, d: Hl7Delimiters) {
    this.raw = raw;
    this.d = d;
    this.name = raw.slice(0, 3);
  }

  private split(): string[] {
    if (this.fields === null) {
      const parts = this.raw.split(this.d.field);
      // MSH-1 is the separator between "MSH" and MSH-2, so MSH field n sits at split index n-1.
      this.fields = this.name === 'MSH' ? ['MSH', this.d.field, ...parts.slice(1)] : parts;
    }
    return this.fields;
  }

  /** Number of the last field present (trailing empty fields included). */
  get fieldCount(): number {
    return this.split().length - 1;
  }

  /** The field as written, escapes and all (empty string when absent). */
  rawField(n: number): string {
    return this.split()[n] ?? '';
  }

  /** Every repetition of field n, each as its raw text. */
  repetitions(n: number): string[] {
    const f = this.rawField(n);
    if (f === '') return [];
    if (this.name === 'MSH' && (n === 1 || n === 2)) return [f];
    return f.split(this.d.repetition);
  }

  /**
   * One value, unescaped: field n, repetition rep (1-based), component c, subcomponent s.
   * `""` (the HL7 explicit null) reads as the empty string; `isNull` tells them apart.
   */
  get(n: number, rep = 1, c = 1, s = 1): string {
    const v = this.rawValue(n, rep, c, s);
    return v === '""' ? '' : unescapeValue(v, this.d);
  }

  isNull(n: number, rep = 1, c = 1, s = 1): boolean {
    return this.rawValue(n, rep, c, s) === '""';
  }

  rawValue(n: number, rep = 1, c = 1, s = 1): string {
    if (this.name === 'MSH' && (n === 1 || n === 2)) return rep === 1 && c === 1 && s === 1 ? this.rawField(n) : '';
    const r = this.repetitions(n)[rep - 1];
    if (r === undefined) return '';
    const comp = c === 1 && r.indexOf(this.d.component) === -1 ? r : r.split(this.d.component)[c - 1];
    if (comp === undefined) return '';
    if (s === 1 && comp.indexOf(this.d.subcomponent) === -1) return comp;
    return comp.split(this.d.subcomponent)[s - 1] ?? '';
  }

  /** Components of one repetition, unescaped. */
  components(n: number, rep = 1): string[] {
    const r = this.repetitions(n)[rep - 1];
    if (r === undefined) return [];
    return r.split(this.d.component).map((c) => (c === '""' ? '' : unescapeValue(c, this.d)));
  }
}

export interface Hl7Message {
  readonly raw: string;
  readonly delimiters: Hl7Delimiters;
  readonly segments: readonly Hl7Segment[];
  segment(name: string): Hl7Segment | undefined;
  segmentsNamed(name: string): Hl7Segment[];
  readonly msh: Hl7Segment;
}

/** Reads delimiters from MSH-1 and MSH-2; refuses a message that does not start with MSH. */
export function readDelimiters(text: string): Hl7Delimiters {
  if (!text.startsWith('MSH') || text.length < 8) throw new ConduitError('CDT_HL7_NOT_HL7');
  const field = text[3]!;
  const end = text.indexOf(field, 4);
  const enc = end === -1 ? '' : text.slice(4, end);
  const [component, repetition, escape, subcomponent] = [enc[0], enc[1], enc[2], enc[3]];
  const truncation = enc.length >= 5 && enc[4] !== '\\' ? enc[4]! : '';
  const set = [field, component, repetition, escape, subcomponent];
  if (!component || !repetition || !escape || !subcomponent || new Set(set).size !== 5 || set.some((ch) => ch === '\r' || ch === '\n' || /[A-Za-z0-9 ]/.test(ch!))) {
    throw new ConduitError('CDT_HL7_BAD_DELIMITERS');
  }
  return { field, component, repetition, escape, subcomponent, truncation };
}

export interface ParseOptions {
  /** Also split on \n and \r\n (HTTP and file uploads); MLLP feeds use \r only. */
  readonly lenientSegmentTerminators?: boolean;
}

export function parseHl7(text: string, options: ParseOptions = {}): Hl7Message {
  const delimiters = readDelimiters(text);
  const lines = options.lenientSegmentTerminators ? text.split(/\r\n|\r|\n/) : text.split('\r');
  const segments: Hl7Segment[] = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    segments.push(new Hl7Segment(line, delimiters));
  }
  const msh = segments[0]!;
  const index = new Map<string, Hl7Segment[]>();
  for (const s of segments) {
    const list = index.get(s.name);
    if (list) list.push(s);
    else index.set(s.name, [s]);
  }
  return {
    raw: text,
    delimiters,
    segments,
    msh,
    segment: (name) => index.get(name)?.[0],
    segmentsNamed: (name) => index.get(name) ?? [],
  };
}
