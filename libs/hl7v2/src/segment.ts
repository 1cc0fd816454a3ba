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
 * do) walks each segment once.
 */

/** Delimiters as character codes, shared by every message with the same delimiters. */
export interface Hl7Grammar {
  readonly delimiters: Hl7Delimiters;
  readonly field: number;
  readonly component: number;
  readonly repetition: number;
  readonly escape: number;
  readonly subcomponent: number;
  /** For character codes below 128: 0 for data, else the delimiter class (CLASS_*). */
  readonly classes: Uint8Array;
}

/** What a segment asks of the message it belongs to. */
export interface SegmentContext {
  /** How \Xhh\ escapes decode (MSH-18); asked only when such a value is read. */
  hexCharset(): HexCharset;
}

const CLASS_COMPONENT = 1;
const CLASS_SUBCOMPONENT = 2;
const CLASS_REPETITION = 3;
const CLASS_ESCAPE = 4;
const CLASS_FIELD = 5;
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
  const classes = new Uint8Array(128);
  const mark = (ch: string, cls: number) => {
    if (ch.charCodeAt(0) < 128) classes[ch.charCodeAt(0)] = cls;
  };
  mark(d.component, CLASS_COMPONENT);
  mark(d.subcomponent, CLASS_SUBCOMPONENT);
  mark(d.repetition, CLASS_REPETITION);
  mark(d.escape, CLASS_ESCAPE);
  mark(d.field, CLASS_FIELD);
  return Object.freeze({
    delimiters: d,
    field: d.field.charCodeAt(0),
    component: d.component.charCodeAt(0),
    repetition: d.repetition.charCodeAt(0),
    escape: d.escape.charCodeAt(0),
    subcomponent: d.subcomponent.charCodeAt(0),
    classes,
  });
}

function classOf(g: Hl7Grammar, ch: number): number {
  // Delimiters are ASCII in every feed we know; a non-ASCII one still works, more slowly.
  if (ch < 128) return g.classes[ch]!;
  return ch === g.component ? CLASS_COMPONENT : ch === g.subcomponent ? CLASS_SUBCOMPONENT : ch === g.repetition ? CLASS_REPETITION : ch === g.escape ? CLASS_ESCAPE : ch === g.field ? CLASS_FIELD : 0;
}

/** MSH, FHS, BHS: the segments whose field 1 is the separator (v2.5 §2.5.4, §2.10.3). */
function isHeaderName(src: string, p: number, end: number): boolean {
  if (end - p < 3) return false;
  const a = src.charCodeAt(p);
  const b = src.charCodeAt(p + 1);
  const c = src.charCodeAt(p + 2);
  if (a === 0x4d) return b === 0x53 && c === 0x48;
  return (a === 0x46 || a === 0x42) && b === 0x48 && c === 0x53;
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
    const r = this.g.repetition;
    let count = 1;
    for (let i = from; i < to; i++) if (this.src.charCodeAt(i) === r) count++;
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
    // A character loop, not indexOf: the fields skipped are mostly short or empty (PV1's run of
    // `||||`), where a call per separator costs more than comparing the characters.
    const f = this.g.field;
    while (k < target) {
      if (i >= end) return false;
      if (src.charCodeAt(i++) === f) k++;
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
    let vs = r === rep && cc === c && ss === s ? i : -1;
    let esc = false;
    const classes = g.classes;
    for (; i < to; i++) {
      const ch = src.charCodeAt(i);
      const cls = ch < 128 ? classes[ch]! : classOf(g, ch);
      if (cls === 0) continue;
      if (cls === CLASS_FIELD) {
        this.ce = i;
        break;
      }
      if (cls === CLASS_COMPONENT) {
        if (vs !== -1) break;
        cc++;
        ss = 1;
        if (r === rep && cc === c && s === 1) vs = i + 1;
      } else if (cls === CLASS_SUBCOMPONENT) {
        if (vs !== -1) break;
        ss++;
        if (r === rep && cc === c && ss === s) vs = i + 1;
      } else if (cls === CLASS_REPETITION) {
        if (vs !== -1) break;
        r++;
        if (r > rep) return false;
        cc = 1;
        ss = 1;
        if (r === rep && c === 1 && s === 1) vs = i + 1;
      } else if (vs !== -1) {
        esc = true;
      }
    }
    if (i === this.end) this.ce = i;
    if (vs === -1) return false;
    this.kn = n;
    this.kr = r;
    this.kc = cc;
    this.ks = ss;
    this.kp = i;
    this.vs = vs;
    this.ve = i;
    this.vEsc = esc;
    return true;
  }
}
