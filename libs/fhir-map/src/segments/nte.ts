import type { Annotation } from '@medplum/fhirtypes';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';

/**
 * NTE → Annotation (NTE[Observation] sheet): NTE-3 repetitions are the lines of `text`, NTE-5
 * entered by → authorString (the person's name, XCN.2/XCN.3), NTE-6 entered date → time.
 * NTE-2 source and NTE-4 comment type are not mapped. No text, no note.
 */
export function mapNte(scope: MapScope, nte: SegmentReader): Annotation | undefined {
  nte.get(1);
  const lines: string[] = [];
  for (let r = 1; r <= nte.reps(3); r++) lines.push(nte.text(3, r));
  const text = lines.join('\n');
  if (text.trim() === '') return undefined;
  const author = [nte.get(5, 1, 3), nte.get(5, 1, 2)].filter((p) => p !== '').join(' ');
  const entered = nte.get(6);
  const time = entered ? scope.dates.dateTime(entered) : undefined;
  if (entered && !time) nte.drop(6);
  return { authorString: author || undefined, time, text };
}
