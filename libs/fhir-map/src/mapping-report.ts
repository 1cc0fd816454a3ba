import type { Hl7Message } from '@conduit/hl7v2';
import { delimiterClasses, SegmentReader, type DelimiterClasses } from './segment-reader.ts';

export interface UnmappedPath {
  readonly path: string;
  readonly count: number;
}

/**
 * Every leaf present in the message that the mapping did not use, as a path (`PID-5.14`,
 * `PID-3.4.2`) with the number of times it occurred. Paths only, never a value. A component
 * index is written when the repetition has components, a subcomponent index when the component
 * has subcomponents. MSH-1 and MSH-2 are the delimiters themselves; `""` (explicit null) is
 * not a value.
 */
export function listUnmapped(message: Hl7Message, readers: ReadonlyMap<number, SegmentReader>): UnmappedPath[] {
  const counts = new Map<string, number>();
  const segments = message.segments;
  let classes: DelimiterClasses | undefined;
  for (let i = 0; i < segments.length; i++) {
    const reader = readers.get(i) ?? new SegmentReader(segments[i]!, i, (classes ??= delimiterClasses(message.delimiters)));
    const name = reader.name;
    reader.forEachUnused(name === 'MSH' ? 3 : 1, (f, c, s, components, subcomponents) => {
      let path = `${name}-${f}`;
      if (components) path += `.${c}`;
      if (subcomponents) path += `.${s}`;
      counts.set(path, (counts.get(path) ?? 0) + 1);
    });
  }
  return [...counts].map(([path, count]) => ({ path, count }));
}
