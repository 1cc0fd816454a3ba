import type { Hl7Message } from '@conduit/hl7v2';
import type { SegmentReader } from './segment-reader.ts';

export interface UnmappedPath {
  readonly path: string;
  readonly count: number;
}

const QUOTE = 0x22;

/**
 * Every leaf present in the message that the mapping did not use, as a path (`PID-5.14`,
 * `PID-3.4.2`) with the number of times it occurred. Paths only, never a value. A component
 * index is written when the repetition has components, a subcomponent index when the component
 * has subcomponents. MSH-1 and MSH-2 are the delimiters themselves; `""` (explicit null) is
 * not a value.
 *
 * The raw fields are scanned by index (no splitting): this runs on every message.
 */
export function listUnmapped(message: Hl7Message, readers: ReadonlyMap<number, SegmentReader>): UnmappedPath[] {
  const { repetition, component, subcomponent } = message.delimiters;
  const counts = new Map<string, number>();
  const segments = message.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const reader = readers.get(i);
    const name = segment.name;
    const first = name === 'MSH' ? 3 : 1;
    const fields = segment.fieldCount;
    for (let f = first; f <= fields; f++) {
      const raw = segment.rawField(f);
      const end = raw.length;
      if (end === 0) continue;
      let rep = 1;
      let r0 = 0;
      while (r0 <= end) {
        let r1 = raw.indexOf(repetition, r0);
        if (r1 === -1) r1 = end;
        const compAt = raw.indexOf(component, r0);
        const hasComponents = compAt !== -1 && compAt < r1;
        let c = 1;
        let c0 = r0;
        while (c0 <= r1) {
          let c1 = raw.indexOf(component, c0);
          if (c1 === -1 || c1 > r1) c1 = r1;
          const subAt = raw.indexOf(subcomponent, c0);
          const hasSubs = subAt !== -1 && subAt < c1;
          let s = 1;
          let s0 = c0;
          while (s0 <= c1) {
            let s1 = hasSubs ? raw.indexOf(subcomponent, s0) : -1;
            if (s1 === -1 || s1 > c1) s1 = c1;
            const len = s1 - s0;
            const present = len > 0 && !(len === 2 && raw.charCodeAt(s0) === QUOTE && raw.charCodeAt(s0 + 1) === QUOTE);
            if (present && !reader?.isUsed(f, rep, c, s)) {
              let path = `${name}-${f}`;
              if (hasComponents) path += `.${c}`;
              if (hasSubs) path += `.${s}`;
              counts.set(path, (counts.get(path) ?? 0) + 1);
            }
            s++;
            s0 = s1 + 1;
          }
          c++;
          c0 = c1 + 1;
        }
        rep++;
        r0 = r1 + 1;
      }
    }
  }
  return [...counts].map(([path, count]) => ({ path, count }));
}
