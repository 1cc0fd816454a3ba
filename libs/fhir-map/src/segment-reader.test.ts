import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHl7, type Hl7Segment } from '@conduit/hl7v2';
import { listUnmapped } from './mapping-report.ts';
import { delimiterClasses, SegmentReader } from './segment-reader.ts';

/** Segment text from delimiters, escapes, explicit nulls, spaces and letters, under the given delimiters. */
function segmentText(d: { field: string; component: string; repetition: string; escape: string; subcomponent: string }): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(d.field, d.component, d.repetition, d.subcomponent, `${d.field}${d.field}`, `${d.component}${d.component}`),
    fc.constantFrom(`${d.escape}F${d.escape}`, `${d.escape}S${d.escape}`, `${d.escape}T${d.escape}`, `${d.escape}X41${d.escape}`, d.escape),
    fc.constantFrom('""', ' ', '  x ', 'A', 'bc', '12.5', 'é', '\u00a0'),
  );
  return fc.tuple(fc.constantFrom('PID', 'OBX', 'ZZ1', 'NTE'), fc.array(piece, { maxLength: 40 })).map(([name, parts]) => `${name}${d.field}${parts.join('')}`);
}

const DEFAULT = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
const OTHER = { field: '#', component: '$', repetition: '*', escape: '/', subcomponent: '%' };

function messageWith(d: typeof DEFAULT, segment: string) {
  const message = parseHl7(`MSH${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.field}APP${d.field}FAC${d.field}${d.field}${d.field}20261122${d.field}${d.field}ADT${d.component}A01${d.field}1${d.field}P${d.field}2.5\r${segment}\r`);
  return { message, segment: message.segments[1]! };
}

/** Every position read: beyond the last field, repetition, component and subcomponent too. */
function* positions(segment: Hl7Segment): Generator<[number, number, number, number]> {
  for (let f = 0; f <= segment.fieldCount + 1; f++) for (let r = 1; r <= 4; r++) for (let c = 1; c <= 5; c++) for (let s = 1; s <= 3; s++) yield [f, r, c, s];
}

test('fast-check: the reader reads every value Hl7Segment.get reads, and counts repetitions as it splits them', () => {
  for (const d of [DEFAULT, OTHER]) {
    fc.assert(
      fc.property(segmentText(d), (text) => {
        const { message, segment } = messageWith(d, text);
        const reader = new SegmentReader(segment, 1, delimiterClasses(message.delimiters));
        for (const [f, r, c, s] of positions(segment)) {
          assert.equal(reader.text(f, r, c, s), segment.get(f, r, c, s), `${text} ${f}.${r}.${c}.${s}`);
          assert.equal(reader.peek(f, r, c, s), segment.get(f, r, c, s).trim());
        }
        for (let f = 1; f <= segment.fieldCount + 1; f++) assert.equal(reader.reps(f), segment.rawField(f) === '' ? 0 : segment.repetitions(f).length, `${text} reps ${f}`);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  }
});

/** The report by the grammar, split by split: the model the reader's leaf walk is held to. */
function unusedBySplitting(segment: Hl7Segment, d: typeof DEFAULT, used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let f = 1; f <= segment.fieldCount; f++) {
    const raw = segment.rawField(f);
    if (raw === '') continue;
    raw.split(d.repetition).forEach((repetition, r) => {
      const components = repetition.split(d.component);
      components.forEach((component, c) => {
        const subcomponents = component.split(d.subcomponent);
        subcomponents.forEach((value, s) => {
          if (value === '' || value === '""' || used.has(`${f}.${r + 1}.${c + 1}.${s + 1}`)) return;
          out.push(`${segment.name}-${f}${components.length > 1 ? `.${c + 1}` : ''}${subcomponents.length > 1 ? `.${s + 1}` : ''}`);
        });
      });
    });
  }
  return out;
}

test('fast-check: the mapping report lists each present leaf no read used, as splitting the segment finds them', () => {
  for (const d of [DEFAULT, OTHER]) {
    const read = fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 }), fc.boolean()), { maxLength: 12 });
    fc.assert(
      fc.property(segmentText(d), read, (text, reads) => {
        const { message, segment } = messageWith(d, text);
        const reader = new SegmentReader(segment, 1, delimiterClasses(message.delimiters));
        const used = new Set<string>();
        for (const [f, r, c, s, drop] of reads) {
          reader.get(f, r, c, s);
          used.add(`${f}.${r}.${c}.${s}`);
          if (drop) {
            reader.drop(f, r, c, s);
            used.delete(`${f}.${r}.${c}.${s}`);
          }
        }
        const expected = new Map<string, number>();
        for (const path of unusedBySplitting(segment, d, used)) expected.set(path, (expected.get(path) ?? 0) + 1);
        const msh = new SegmentReader(message.segments[0]!, 0, delimiterClasses(message.delimiters));
        for (let f = 3; f <= 12; f++) msh.consume(f);
        assert.deepEqual(listUnmapped(message, new Map([[0, msh], [1, reader]])), [...expected].map(([path, count]) => ({ path, count })), text);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  }
});
