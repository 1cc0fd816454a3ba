import { DEFAULT_DELIMITERS, type Hl7Delimiters, type Hl7Segment } from '@conduit/hl7v2';

/*
 * segment      := name (field-sep field)*            (MSH, FHS, BHS: field 1 is the separator,
 * field        := repetition (rep-sep repetition)*    field 2 the encoding characters; neither split)
 * repetition   := component (comp-sep component)*
 * component    := subcomponent (sub-sep subcomponent)*
 *
 * Reads one segment and remembers every leaf (field, repetition, component, subcomponent) the
 * mapping consumed, so the mapping report can list what was present but not used. A value that
 * was read but could not be mapped is `drop`ped again, so it shows up in the report too.
 *
 * The segment is cut into its leaves once, on the first read: a mapper reads each datatype's
 * components in its own order (CWE 1, 2, 3, 7, 4 …) and asks for many that are absent (XCN has
 * 23), so each read is then a short search within one field, and the report walks the same
 * leaves. Values with an escape sequence are read through Hl7Segment.get, which unescapes them.
 */

/** The delimiters' character classes: a table for character codes below 128, the rest by comparison. */
export interface DelimiterClasses {
  readonly table: Uint8Array;
  readonly wide: ReadonlyMap<number, number>;
}

const COMPONENT = 1;
const SUBCOMPONENT = 2;
const REPETITION = 3;
const ESCAPE = 4;
const FIELD = 5;

/** Leaf flags. */
const HAS_ESCAPE = 1;
const REPETITION_HAS_COMPONENTS = 2;
const COMPONENT_HAS_SUBCOMPONENTS = 4;
const USED = 8;
/** Header fields 1 and 2: one leaf each, read (and measured) through Hl7Segment. */
const WHOLE = 16;

const QUOTE = 0x22;

export function delimiterClasses(d: Hl7Delimiters): DelimiterClasses {
  const table = new Uint8Array(128);
  const wide = new Map<number, number>();
  const mark = (ch: string, cls: number) => {
    const code = ch.charCodeAt(0);
    if (code < 128) table[code] = cls;
    else wide.set(code, cls);
  };
  mark(d.component, COMPONENT);
  mark(d.subcomponent, SUBCOMPONENT);
  mark(d.repetition, REPETITION);
  mark(d.escape, ESCAPE);
  mark(d.field, FIELD);
  return { table, wide };
}

const DEFAULT_CLASSES = delimiterClasses(DEFAULT_DELIMITERS);

/** A leaf's place in its field: repetition, component and subcomponent, 10 bits each. */
const placeOf = (rep: number, c: number, s: number) => rep * 0x100000 + c * 0x400 + s;
const MAX_PLACE = 0x3ff;

/** The components of one datatype instance: a field repetition, or a component whose subcomponents are the datatype's components. */
export interface Components {
  /** Component i (subcomponent s), unescaped and trimmed; marks it used. */
  get(i: number, s?: number): string;
  /** Component i as written (unescaped, not trimmed); marks it used. */
  text(i: number, s?: number): string;
  /** Reads without marking. */
  peek(i: number, s?: number): string;
  /** Marks a read value as not mapped. */
  drop(i: number, s?: number): void;
}

export class SegmentReader {
  readonly segment: Hl7Segment;
  readonly name: string;
  /** Position of the segment in the message (0 = MSH). */
  readonly index: number;
  private readonly classes: DelimiterClasses;
  private raw = '';
  /**
   * Per leaf, in segment order: place (placeOf), start in raw, flags. Leaves are separated by one
   * delimiter, so a leaf ends one before the next one starts; a last start closes the segment.
   */
  private places: number[] = [];
  private starts: number[] = [];
  private flags: number[] = [];
  private count = 0;
  /** The leaves of field f are [fields[f - 1], fields[f]). */
  private fields: number[] | undefined;
  private consumed: Set<number> | undefined;

  /** `classes`: of the message's delimiters (delimiterClasses), by default of `|^~\\&`. */
  constructor(segment: Hl7Segment, index: number, classes: DelimiterClasses = DEFAULT_CLASSES) {
    this.segment = segment;
    this.name = segment.name;
    this.index = index;
    this.classes = classes;
  }

  get(f: number, rep = 1, c = 1, s = 1): string {
    return this.read(f, rep, c, s, true).trim();
  }

  text(f: number, rep = 1, c = 1, s = 1): string {
    return this.read(f, rep, c, s, true);
  }

  peek(f: number, rep = 1, c = 1, s = 1): string {
    return this.read(f, rep, c, s, false).trim();
  }

  drop(f: number, rep = 1, c = 1, s = 1): void {
    const leaf = this.leaf(f, rep, c, s);
    if (leaf !== -1) this.flags[leaf]! &= ~USED;
  }

  /** Number of repetitions of field f (0 when empty). */
  reps(f: number): number {
    const fields = this.tokens();
    if (f < 1 || f >= fields.length) return 0;
    const first = fields[f - 1]!;
    const last = fields[f]! - 1;
    if (this.flags[first]! & WHOLE) return this.segment.rawField(f) === '' ? 0 : 1;
    if (last === first && this.starts[first]! + 1 === this.starts[first + 1]) return 0;
    return Math.floor(this.places[last]! / 0x100000);
  }

  /** Marks a whole field as used by the engine (e.g. MSH-12, checked at ingest). */
  consume(f: number): void {
    (this.consumed ??= new Set()).add(f);
  }

  field(f: number, rep = 1): Components {
    return new FieldComponents(this, f, rep);
  }

  /** A datatype carried in component c: its components are the subcomponents of c. */
  component(f: number, rep: number, c: number): Components {
    return new SubcomponentsOf(new FieldComponents(this, f, rep), c);
  }

  /**
   * Every leaf with a value (not empty, not the explicit null `""`) that no read used, in
   * segment order, with whether its repetition has components and its component subcomponents.
   */
  forEachUnused(first: number, visit: (f: number, c: number, s: number, components: boolean, subcomponents: boolean) => void): void {
    const fields = this.tokens();
    const { places, starts, flags, raw } = this;
    for (let f = Math.max(first, 1); f < fields.length; f++) {
      if (this.consumed?.has(f)) continue;
      for (let k = fields[f - 1]!; k < fields[f]!; k++) {
        const flag = flags[k]!;
        if (flag & USED) continue;
        const a = starts[k]!;
        const len = flag & WHOLE ? this.segment.rawField(f).length : starts[k + 1]! - 1 - a;
        if (len === 0 || (len === 2 && raw.charCodeAt(a) === QUOTE && raw.charCodeAt(a + 1) === QUOTE)) continue;
        const place = places[k]!;
        visit(f, Math.floor(place / 0x400) & MAX_PLACE, place & MAX_PLACE, (flag & REPETITION_HAS_COMPONENTS) !== 0, (flag & COMPONENT_HAS_SUBCOMPONENTS) !== 0);
      }
    }
  }

  private read(f: number, rep: number, c: number, s: number, mark: boolean): string {
    // Field 0 is the segment's name.
    if (f === 0) return this.segment.get(0, rep, c, s);
    const leaf = this.leaf(f, rep, c, s);
    if (leaf === -1) return '';
    const flag = this.flags[leaf]!;
    if (mark) this.flags[leaf] = flag | USED;
    if (flag & (HAS_ESCAPE | WHOLE)) return this.segment.get(f, rep, c, s);
    const a = this.starts[leaf]!;
    const b = this.starts[leaf + 1]! - 1;
    const raw = this.raw;
    if (b - a === 2 && raw.charCodeAt(a) === QUOTE && raw.charCodeAt(a + 1) === QUOTE) return '';
    return raw.slice(a, b);
  }

  private leaf(f: number, rep: number, c: number, s: number): number {
    const fields = this.tokens();
    if (f < 1 || f >= fields.length || rep > MAX_PLACE || c > MAX_PLACE || s > MAX_PLACE) return -1;
    const place = placeOf(rep, c, s);
    const places = this.places;
    for (let k = fields[f - 1]!, end = fields[f]!; k < end; k++) {
      const p = places[k]!;
      if (p === place) return k;
      if (p > place) return -1;
    }
    return -1;
  }

  private tokens(): number[] {
    return (this.fields ??= this.tokenize());
  }

  private tokenize(): number[] {
    const raw = (this.raw = this.segment.raw);
    const n = raw.length;
    const { table, wide } = this.classes;
    const classOf = (ch: number) => (ch < 128 ? table[ch]! : (wide.get(ch) ?? 0));
    // Sized for a leaf per 8 characters, grown past that: growing from empty copies each array ~6 times.
    const estimate = (n >> 3) + 4;
    this.places = new Array<number>(estimate);
    this.starts = new Array<number>(estimate);
    this.flags = new Array<number>(estimate);
    const fields: number[] = [0];
    if (n <= 3) return this.close(fields, n);
    let i = 3;
    if (this.name === 'MSH' || this.name === 'FHS' || this.name === 'BHS') {
      const end = raw.indexOf(raw[3]!, 4);
      this.push(1, 3, WHOLE);
      fields.push(1);
      this.push(1, 4, WHOLE);
      fields.push(2);
      if (end === -1) return this.close(fields, n);
      i = end;
    }
    if (classOf(raw.charCodeAt(i)) !== FIELD) return this.close(fields, n);
    // i is at a field separator: each turn reads the field after it.
    while (i < n) {
      let rep = 1;
      let c = 1;
      let s = 1;
      let start = i + 1;
      let flag = 0;
      let repFirst = this.count;
      let compFirst = repFirst;
      let j = start;
      for (; j < n; j++) {
        const ch = raw.charCodeAt(j);
        const cls = ch < 128 ? table[ch]! : classOf(ch);
        if (cls === 0) continue;
        if (cls === ESCAPE) {
          flag |= HAS_ESCAPE;
          continue;
        }
        if (cls === FIELD) break;
        this.push(placeOf(rep, c, s), start, flag);
        start = j + 1;
        flag &= REPETITION_HAS_COMPONENTS | COMPONENT_HAS_SUBCOMPONENTS;
        if (cls === SUBCOMPONENT) {
          s++;
          if (!(flag & COMPONENT_HAS_SUBCOMPONENTS)) {
            flag |= COMPONENT_HAS_SUBCOMPONENTS;
            this.flagSince(compFirst, COMPONENT_HAS_SUBCOMPONENTS);
          }
        } else if (cls === COMPONENT) {
          c++;
          s = 1;
          flag &= ~COMPONENT_HAS_SUBCOMPONENTS;
          compFirst = this.count;
          if (!(flag & REPETITION_HAS_COMPONENTS)) {
            flag |= REPETITION_HAS_COMPONENTS;
            this.flagSince(repFirst, REPETITION_HAS_COMPONENTS);
          }
        } else {
          rep++;
          c = 1;
          s = 1;
          flag = 0;
          repFirst = compFirst = this.count;
        }
      }
      this.push(placeOf(rep, c, s), start, flag);
      fields.push(this.count);
      i = j;
    }
    return this.close(fields, n);
  }

  private push(place: number, start: number, flag: number): void {
    const k = this.count++;
    this.places[k] = place;
    this.starts[k] = start;
    this.flags[k] = flag;
  }

  /** The start after the last leaf: one past the end of the segment. */
  private close(fields: number[], n: number): number[] {
    this.starts[this.count] = n + 1;
    return fields;
  }

  private flagSince(first: number, flag: number): void {
    for (let k = first; k < this.count; k++) this.flags[k]! |= flag;
  }
}

class FieldComponents implements Components {
  private readonly reader: SegmentReader;
  private readonly f: number;
  private readonly rep: number;

  constructor(reader: SegmentReader, f: number, rep: number) {
    this.reader = reader;
    this.f = f;
    this.rep = rep;
  }

  get(i: number, s = 1): string {
    return this.reader.get(this.f, this.rep, i, s);
  }

  text(i: number, s = 1): string {
    return this.reader.text(this.f, this.rep, i, s);
  }

  peek(i: number, s = 1): string {
    return this.reader.peek(this.f, this.rep, i, s);
  }

  drop(i: number, s = 1): void {
    this.reader.drop(this.f, this.rep, i, s);
  }
}

class SubcomponentsOf implements Components {
  private readonly outer: Components;
  private readonly i: number;

  constructor(outer: Components, i: number) {
    this.outer = outer;
    this.i = i;
  }

  get(j: number, s = 1): string {
    return s === 1 ? this.outer.get(this.i, j) : '';
  }

  text(j: number, s = 1): string {
    return s === 1 ? this.outer.text(this.i, j) : '';
  }

  peek(j: number, s = 1): string {
    return s === 1 ? this.outer.peek(this.i, j) : '';
  }

  drop(j: number, s = 1): void {
    if (s === 1) this.outer.drop(this.i, j);
  }
}

/** The subcomponents of component `i` of a datatype, as a datatype of their own (EI in PL.10, HD in CX.4). */
export function subcomponentsOf(c: Components, i: number): Components {
  return new SubcomponentsOf(c, i);
}
