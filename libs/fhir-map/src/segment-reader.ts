import type { Hl7Segment } from '@conduit/hl7v2';

/*
 * Reads one segment and remembers every leaf (field, repetition, component, subcomponent) the
 * mapping consumed, so the mapping report can list what was present but not used. A value that
 * was read but could not be mapped is `drop`ped again, so it shows up in the report too.
 */

const MAX = 63;

function leafKey(f: number, rep: number, c: number, s: number): number {
  return ((f * 64 + Math.min(rep, MAX)) * 64 + Math.min(c, MAX)) * 64 + Math.min(s, MAX);
}

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
  private readonly used = new Set<number>();
  private consumed: Set<number> | undefined;

  constructor(segment: Hl7Segment, index: number) {
    this.segment = segment;
    this.name = segment.name;
    this.index = index;
  }

  get(f: number, rep = 1, c = 1, s = 1): string {
    this.used.add(leafKey(f, rep, c, s));
    return this.segment.get(f, rep, c, s).trim();
  }

  text(f: number, rep = 1, c = 1, s = 1): string {
    this.used.add(leafKey(f, rep, c, s));
    return this.segment.get(f, rep, c, s);
  }

  peek(f: number, rep = 1, c = 1, s = 1): string {
    return this.segment.get(f, rep, c, s).trim();
  }

  drop(f: number, rep = 1, c = 1, s = 1): void {
    this.used.delete(leafKey(f, rep, c, s));
  }

  /** Number of repetitions of field f (0 when empty). */
  reps(f: number): number {
    return this.segment.rawField(f) === '' ? 0 : this.segment.repetitions(f).length;
  }

  /** Marks a whole field as used by the engine (e.g. MSH-12, checked at ingest). */
  consume(f: number): void {
    (this.consumed ??= new Set()).add(f);
  }

  isUsed(f: number, rep: number, c: number, s: number): boolean {
    return this.used.has(leafKey(f, rep, c, s)) || this.consumed?.has(f) === true;
  }

  field(f: number, rep = 1): Components {
    return {
      get: (i, s = 1) => this.get(f, rep, i, s),
      text: (i, s = 1) => this.text(f, rep, i, s),
      peek: (i, s = 1) => this.peek(f, rep, i, s),
      drop: (i, s = 1) => this.drop(f, rep, i, s),
    };
  }

  /** A datatype carried in component c: its components are the subcomponents of c. */
  component(f: number, rep: number, c: number): Components {
    return {
      get: (i, s = 1) => (s === 1 ? this.get(f, rep, c, i) : ''),
      text: (i, s = 1) => (s === 1 ? this.text(f, rep, c, i) : ''),
      peek: (i, s = 1) => (s === 1 ? this.peek(f, rep, c, i) : ''),
      drop: (i, s = 1) => {
        if (s === 1) this.drop(f, rep, c, i);
      },
    };
  }
}

/** The subcomponents of component `i` of a datatype, as a datatype of their own (EI in PL.10, HD in CX.4). */
export function subcomponentsOf(c: Components, i: number): Components {
  return {
    get: (j, s = 1) => (s === 1 ? c.get(i, j) : ''),
    text: (j, s = 1) => (s === 1 ? c.text(i, j) : ''),
    peek: (j, s = 1) => (s === 1 ? c.peek(i, j) : ''),
    drop: (j, s = 1) => {
      if (s === 1) c.drop(i, j);
    },
  };
}
