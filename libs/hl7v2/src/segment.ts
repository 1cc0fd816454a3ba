import { DEFAULT_DELIMITERS, type Hl7Delimiters } from './delimiters.ts';
import { unescapeValue, type HexCharset } from './escape.ts';

/*
 * segment    := name (field-sep field)*            name := [A-Z][A-Z0-9]{2}
 * field      := repetition (rep-sep repetition)*
 * repetition := component (comp-sep component)*
 * component  := subcomponent (sub-sep subcomponent)*
 * MSH, FHS and BHS are special (v2.5 §2.5.4): field 1 is the field separator itself and field 2
 * the encoding characters, neither split nor unescaped.
 *
 * A segment is a view [start, end) over its message's text. Nothing is split up front: a read
 * scans only the characters up to the value it needs, and two cursors remember where the last
 * field started and where the last value ended, so reading in ascending order (what mappers
 * do) walks each segment once. What a read only passes over (the rest of a field, a long field
 * before the wanted one) is left to indexOf, which runs at memchr speed; a JS loop costs a
 * character-representation check per character, so it is kept to short spans.
 */

/** Delimiters as character codes, shared by every message with the same delimiters. */
export interface Hl7Grammar {
  readonly delimiters: Hl7Delimiters;
  readonly field: number;
  readonly component: number;
  readonly repetition: number;
  readonly escape: number;
  readonly subcomponent: number;
}

/** What a segment asks of the message it belongs to. */
export interface SegmentContext {
  /** How \Xhh\ escapes decode (MSH-18); asked only when such a value is read. */
  hexCharset(): HexCharset;
}

const QUOTE = 34;

const grammars = new WeakMap<Hl7Delimiters, Hl7Grammar>();
let defaultGrammar: Hl7Grammar | undefined;

/** The grammar of a delimiter set, built once per set (the defaults are one shared object). */
export function grammarOf(d: Hl7Delimiters): Hl7Grammar {
  if (d === DEFAULT_DELIMITERS) return (defaultGrammar ??= buildGrammar(d));
  let g = grammars.get(d);
  if (g === undefined) {
    g = buildGrammar(d);
    grammars.set(d, g);
  }
  return g;
}

function buildGrammar(d: Hl7Delimiters): Hl7Grammar {
  return Object.freeze({
    delimiters: d,
    field: d.field.charCodeAt(0),
    component: d.component.charCodeAt(0),
    repetition: d.repetition.charCodeAt(0),
    escape: d.escape.charCodeAt(0),
    subcomponent: d.subcomponent.charCodeAt(0),
  });
}

/** MSH, FHS, BHS: the segments whose field 1 is the separator (v2.5 §2.5.4, §2.10.3). */
function isHeaderName(src: string, p: number, end: number): boolean {
  if (end - p < 3) return false;
  const a = src.charCodeAt(p);
  if (a === 0x4d) return src.charCodeAt(p + 1) === 0x53 && src.charCodeAt(p + 2) === 0x48;
  return (a === 0x46 || a === 0x42) && src.charCodeAt(p + 1) === 0x48 && src.charCodeAt(p + 2) === 0x53;
}

const LATIN1: SegmentContext = { hexCharset: () => 'latin1' };

export class Hl7Segment {
  private readonly src: string;
  private readonly start: number;
  private readonly end: number;
  private readonly g: Hl7Grammar;
  private readonly context: SegmentContext;
  private readonly header: boolean;
  private nameText: string | undefined;
  private rawText: string | undefined;
  /** Field cursor: field cn starts at cs; ce is its end, or -1 while not yet seen (cn 0: none). */
  private cn = 0;
  private cs = 0;
  private ce = -1;
  /** Value cursor: the last value read (repetition kr, component kc, subcomponent ks of field kn) ended at kp. */
  private kn = 0;
  private kr = 1;
  private kc = 1;
  private ks = 1;
  private kp = 0;
  /** Result of the last locate(): the value spans [vs, ve) and holds an escape character. */
  private vs = 0;
  private ve = 0;
  private vEsc = false;

  /**
   * A segment over source[start, end). `new Hl7Segment(raw, delimiters)` makes a standalone one;
   * parseHl7 makes views over the message text without copying it.
   */
  constructor(source: string, delimiters: Hl7Delimiters | Hl7Grammar, start = 0, end = source.length, context: SegmentContext = LATIN1) {
    this.src = source;
    this.start = start;
    this.end = end;
    this.g = typeof delimiters.field === 'number' ? (delimiters as Hl7Grammar) : grammarOf(delimiters as Hl7Delimiters);
    this.context = context;
    this.header = isHeaderName(source, start, end);
  }

  get name(): string {
    return (this.nameText ??= this.src.slice(this.start, Math.min(this.start + 3, this.end)));
  }

  /** The segment as written, without its terminator. */
  get raw(): string {
    return (this.rawText ??= this.start === 0 && this.end === this.src.length ? this.src : this.src.slice(this.start, this.end));
  }

  /** Number of the last field present (trailing empty fields included). */
  get fieldCount(): number {
    const f = this.g.field;
    let n = 0;
    for (let i = this.start + 3; i < this.end; i++) if (this.src.charCodeAt(i) === f) n++;
    // MSH-1 is the separator that follows the name, so MSH has one field more than separators.
    return this.header && n > 0 ? n + 1 : n;
  }

  /** The field as written, escapes and all (empty string when absent). */
  rawField(n: number): string {
    if (n === 0) return this.name;
    if (!this.locateField(n)) return '';
    return this.src.slice(this.cs, this.fieldEnd());
  }

  /** Every repetition of field n, each as its raw text. */
  repetitions(n: number): string[] {
    const f = this.rawField(n);
    if (f === '') return [];
    if (this.header && (n === 1 || n === 2)) return [f];
    return f.split(this.g.delimiters.repetition);
  }

  /** How many repetitions field n holds (0 when empty); reads nothing else. */
  repetitionCount(n: number): number {
    if (n === 0) return 1;
    if (!this.locateField(n)) return 0;
    const from = this.cs;
    const to = this.fieldEnd();
    if (to === from) return 0;
    if (this.header && (n === 1 || n === 2)) return 1;
    // A slice is a view (no copy) that keeps indexOf from searching past the field.
    const field = this.src.slice(from, to);
    const sep = this.g.delimiters.repetition;
    let count = 1;
    for (let i = field.indexOf(sep); i !== -1; i = field.indexOf(sep, i + 1)) count++;
    return count;
  }

  /**
   * True when field n carries data: not absent, not only delimiters, not the explicit null `""`
   * (a required field must be valued, v2.5 §2.5.3).
   */
  hasValue(n: number): boolean {
    if (n === 0) return true;
    if (!this.locateField(n)) return false;
    const from = this.cs;
    const to = this.fieldEnd();
    if (this.header && (n === 1 || n === 2)) return to > from;
    const src = this.src;
    if (to - from === 2 && src.charCodeAt(from) === QUOTE && src.charCodeAt(from + 1) === QUOTE) return false;
    const g = this.g;
    for (let i = from; i < to; i++) {
      const ch = src.charCodeAt(i);
      if (ch !== g.repetition && ch !== g.component && ch !== g.subcomponent) return true;
    }
    return false;
  }

  /**
   * One value, unescaped: field n, repetition rep (1-based), component c, subcomponent s.
   * `""` (the HL7 explicit null) reads as the empty string; `isNull` tells them apart.
   */
  get(n: number, rep = 1, c = 1, s = 1): string {
    if (!this.locate(n, rep, c, s)) return '';
    const src = this.src;
    const a = this.vs;
    const b = this.ve;
    if (b - a === 2 && src.charCodeAt(a) === QUOTE && src.charCodeAt(a + 1) === QUOTE) return '';
    const v = src.slice(a, b);
    return this.vEsc ? unescapeValue(v, this.g.delimiters, this.context.hexCharset()) : v;
  }

  isNull(n: number, rep = 1, c = 1, s = 1): boolean {
    if (!this.locate(n, rep, c, s)) return false;
    return this.ve - this.vs === 2 && this.src.charCodeAt(this.vs) === QUOTE && this.src.charCodeAt(this.vs + 1) === QUOTE;
  }

  /** One value as written: escapes kept, `""` kept. */
  rawValue(n: number, rep = 1, c = 1, s = 1): string {
    return this.locate(n, rep, c, s) ? this.src.slice(this.vs, this.ve) : '';
  }

  /** Components of one repetition, unescaped. */
  components(n: number, rep = 1): string[] {
    const r = this.repetitions(n)[rep - 1];
    if (r === undefined) return [];
    const d = this.g.delimiters;
    if (this.header && (n === 1 || n === 2)) return [r];
    return r.split(d.component).map((c) => (c === '""' ? '' : unescapeValue(c, d, this.context.hexCharset())));
  }

  /** End of the field in the cursor, found now if no read has reached it yet. */
  private fieldEnd(): number {
    if (this.ce === -1) {
      const from = this.kn === this.cn && this.kp > this.cs ? this.kp : this.cs;
      const e = this.src.indexOf(this.g.delimiters.field, from);
      this.ce = e === -1 || e > this.end ? this.end : e;
    }
    return this.ce;
  }

  /** Puts field n in the cursor (its start; its end may stay unknown); false when absent. */
  private locateField(n: number): boolean {
    if (n === this.cn) return true;
    if (n < 1) return false;
    const src = this.src;
    const end = this.end;
    if (this.header && n === 1) {
      if (end - this.start < 4) return false;
      this.moveCursor(1, this.start + 3, this.start + 4);
      return true;
    }
    // Field n starts after the n-th separator; in a header segment after the (n-1)-th, because
    // the first separator is itself MSH-1.
    const target = this.header ? n - 1 : n;
    let k: number;
    let i: number;
    if (this.cn !== 0 && n > this.cn && !(this.header && this.cn === 1)) {
      const e = this.fieldEnd();
      if (e >= end) return false;
      k = (this.header ? this.cn - 1 : this.cn) + 1;
      i = e + 1;
    } else {
      i = this.start + 3;
      if (i >= end || src.charCodeAt(i) !== this.g.field) return false;
      i++;
      k = 1;
    }
    // Most fields skipped are empty or short (PV1's run of `||||`, OBX-1's set ID), which a
    // character loop passes fastest; after four characters of one field the rest of it is left to
    // indexOf, which wins on the long ones (MSH-3 to MSH-8, PV1's doctors).
    const f = this.g.field;
    let run = 0;
    while (k < target) {
      if (i >= end) return false;
      if (src.charCodeAt(i++) === f) {
        k++;
        run = 0;
      } else if (++run === 4) {
        const p = src.indexOf(this.g.delimiters.field, i);
        if (p === -1 || p >= end) return false;
        i = p + 1;
        k++;
        run = 0;
      }
    }
    this.moveCursor(n, i, -1);
    return true;
  }

  private moveCursor(n: number, start: number, end: number): void {
    this.cn = n;
    this.cs = start;
    this.ce = end;
  }

  /** Finds one leaf value; leaves it in vs/ve/vEsc. False when absent. */
  private locate(n: number, rep: number, c: number, s: number): boolean {
    if (n === 0) {
      if (rep !== 1 || c !== 1 || s !== 1) return false;
      this.vs = this.start;
      this.ve = Math.min(this.start + 3, this.end);
      this.vEsc = false;
      return true;
    }
    if (!this.locateField(n)) return false;
    if (this.header && (n === 1 || n === 2)) {
      if (rep !== 1 || c !== 1 || s !== 1) return false;
      this.vs = this.cs;
      this.ve = this.fieldEnd();
      this.vEsc = false;
      return true;
    }
    const src = this.src;
    const g = this.g;
    const to = this.ce === -1 ? this.end : this.ce;
    let r = 1;
    let cc = 1;
    let ss = 1;
    let i = this.cs;
    // Resume where the last value of this field ended when the wanted one lies after it:
    // reading CX.1, CX.4, CX.5 of each PID-3 repetition then walks the field once.
    if (this.kn === n && (rep > this.kr || (rep === this.kr && (c > this.kc || (c === this.kc && s > this.ks))))) {
      r = this.kr;
      cc = this.kc;
      ss = this.ks;
      i = this.kp;
    }
    const fieldSep = g.field;
    const componentSep = g.component;
    const subcomponentSep = g.subcomponent;
    const repetitionSep = g.repetition;
    // Two loops, one to the value's start and one to its end: each compiles to tighter code than
    // one loop tracking both, and nearly every character read is in the second. The delimiters
    // are compared as locals: a lookup table costs more loads and checks per character.
    if (r !== rep || cc !== c || ss !== s) {
      for (;;) {
        if (i >= to) {
          if (i === this.end) this.ce = i;
          return false;
        }
        const ch = src.charCodeAt(i++);
        if (ch === componentSep) {
          cc++;
          ss = 1;
        } else if (ch === subcomponentSep) {
          ss++;
        } else if (ch === repetitionSep) {
          if (++r > rep) return false;
          cc = 1;
          ss = 1;
        } else if (ch === fieldSep) {
          this.ce = i - 1;
          return false;
        } else {
          continue;
        }
        if (r === rep && cc === c && ss === s) break;
      }
    }
    // Here (r, cc, ss) = (rep, c, s). The cursor is saved before the value's end is sought, so the
    // loop below carries fewer live values.
    this.kn = n;
    this.kr = rep;
    this.kc = c;
    this.ks = s;
    this.vs = i;
    const escape = g.escape;
    let esc = false;
    for (; i < to; i++) {
      const ch = src.charCodeAt(i);
      if (ch === fieldSep) {
        this.ce = i;
        break;
      }
      if (ch === componentSep || ch === subcomponentSep || ch === repetitionSep) break;
      if (ch === escape) esc = true;
    }
    if (i === this.end) this.ce = i;
    this.kp = i;
    this.ve = i;
    this.vEsc = esc;
    return true;
  }
}
