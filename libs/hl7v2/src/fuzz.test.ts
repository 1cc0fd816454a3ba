import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { isConduitError } from '@conduit/errors';
import { DEFAULT_DELIMITERS } from './delimiters.ts';
import { parseHl7, type Hl7Message } from './parse.ts';
import { Hl7Segment } from './segment.ts';
import { validateMessage } from './validate.ts';

/*
 * Property-based fuzzing of the parser and the validator, in the spirit of Medplum's
 * fuzz.test.ts: whatever arrives, the only failure is a ConduitError, nothing hangs, and
 * garbage is never declared valid.
 */

const FIXTURES = resolve(import.meta.dirname, '../fixtures/corpus');
const corpus = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.hl7') && !f.includes('MALFORMED'))
  .map((f) => readFileSync(join(FIXTURES, f), 'latin1'));

/** Parses and validates; returns the issue count, or -1 when the parser refused with a ConduitError. */
function parseAndValidate(text: string, lenient = false): number {
  let message: Hl7Message;
  try {
    message = parseHl7(text, { lenientSegmentTerminators: lenient });
  } catch (err) {
    if (isConduitError(err)) return -1;
    throw err;
  }
  readEverything(message);
  return validateMessage(message).length;
}

function readEverything(message: Hl7Message): void {
  for (const seg of message.segments) {
    for (let f = 0; f <= seg.fieldCount + 1; f++) {
      seg.rawField(f);
      seg.hasValue(f);
      for (let r = 1; r <= seg.repetitionCount(f) + 1; r++) {
        const comps = seg.components(f, r);
        for (let c = 1; c <= comps.length + 1; c++) {
          seg.get(f, r, c);
          seg.get(f, r, c, 2);
          seg.isNull(f, r, c);
        }
      }
    }
  }
}

const timed = <T>(fn: () => T): T => {
  const started = performance.now();
  const result = fn();
  assert.ok(performance.now() - started < 2000, 'one message took more than 2 s');
  return result;
};

test('property: arbitrary text is refused with a ConduitError or reported with issues', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400, size: 'large' }), fc.boolean(), (text, lenient) => {
      assert.notEqual(timed(() => parseAndValidate(text, lenient)), 0);
      assert.notEqual(timed(() => parseAndValidate(`MSH|^~\\&|${text}`, lenient)), 0);
    }),
    { numRuns: 2000 },
  );
});

const hl7ish = fc.string({
  unit: fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', ' ', '"', 'A', 'B', 'M', 'S', 'H', 'O', 'X', 'P', 'I', 'D', 'Z', '1', '2', '.', 'F', 'T', 'R', 'E', 'é'),
  maxLength: 300,
  size: 'large',
});

test('property: delimiter-heavy garbage after an MSH never crashes and never validates', () => {
  fc.assert(
    fc.property(hl7ish, fc.boolean(), (text, lenient) => {
      for (const candidate of [`MSH|^~\\&|${text}`, `MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r${text}`]) {
        const issues = timed(() => parseAndValidate(candidate, lenient));
        if (candidate.startsWith('MSH|^~\\&|A|B')) continue;
        assert.notEqual(issues, 0, 'garbage passed validation');
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: well-framed messages of random segments never crash and garbage headers never validate', () => {
  const body = fc.string({ unit: fc.constantFrom('|', '^', '~', '\\', '&', ' ', '"', 'A', 'L', 'N', 'U', 'C', 'M', 'F', '1', '2', '0', '.', '-', 'X', 'é'), maxLength: 80, size: 'large' });
  const segment = fc.tuple(fc.constantFrom('EVN', 'PID', 'PV1', 'MRG', 'OBR', 'OBX', 'NTE', 'ZPI', 'MSH', 'BTS'), body).map(([n, b]) => `${n}|${b}`);
  fc.assert(
    fc.property(body, fc.array(segment, { maxLength: 12, size: 'large' }), (header, segments) => {
      const text = [`MSH|^~\\&|${header}`, ...segments].join('\r');
      let message: Hl7Message;
      try {
        message = timed(() => parseHl7(text));
      } catch (err) {
        // A lone MSH whose header holds " ABC|" reads as segments joined by spaces: refused.
        assert.ok(isConduitError(err) && err.code === 'CDT_HL7_BAD_SEGMENT_TERMINATOR' && segments.length === 0);
        return;
      }
      readEverything(message);
      const issues = timed(() => validateMessage(message, { unsupportedEvents: 'accept', unknownZSegments: 'reject' }));
      assert.ok(issues.length > 0, 'a random header passed validation');
      for (const issue of issues) assert.match(issue.code, /^CDT_HL7_[A-Z_]+$/);
    }),
    { numRuns: 1500 },
  );
});

test('property: mutated corpus messages never crash the parser or the validator', () => {
  assert.equal(corpus.length, 35);
  const mutation = fc.tuple(fc.nat(), fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', '"', 'X', '\u000b', '\u001c', ''), fc.constantFrom('replace', 'insert', 'delete', 'duplicate'));
  fc.assert(
    fc.property(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 12 }), fc.boolean(), (which, mutations, lenient) => {
      let text = corpus[which]!;
      for (const [at, ch, kind] of mutations) {
        const i = at % (text.length + 1);
        if (kind === 'replace') text = text.slice(0, i) + ch + text.slice(i + 1);
        else if (kind === 'insert') text = text.slice(0, i) + ch + text.slice(i);
        else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + 1);
        else text = text.slice(0, i) + text.slice(i, i + 40) + text.slice(i);
      }
      timed(() => parseAndValidate(text, lenient));
    }),
    { numRuns: 1500 },
  );
});

/** The reference reader: the eager split-everything parser this library used to be. */
function referenceValue(raw: string, n: number, rep: number, c: number, s: number): string {
  const d = DEFAULT_DELIMITERS;
  const parts = raw.split(d.field);
  const fields = parts[0] === 'MSH' ? ['MSH', d.field, ...parts.slice(1)] : parts;
  const field = fields[n] ?? '';
  if (parts[0] === 'MSH' && (n === 1 || n === 2)) return rep === 1 && c === 1 && s === 1 ? field : '';
  if (n === 0) return rep === 1 && c === 1 && s === 1 ? field : '';
  const r = field === '' ? undefined : field.split(d.repetition)[rep - 1];
  if (r === undefined) return '';
  const comp = r.split(d.component)[c - 1];
  if (comp === undefined) return '';
  return comp.split(d.subcomponent)[s - 1] ?? '';
}

test('property: the lazy reader agrees with an eager split-everything reader', () => {
  const name = fc.constantFrom('MSH', 'PID', 'OBX', 'ZZ1');
  const body = fc.string({ unit: fc.constantFrom('|', '^', '~', '&', 'a', 'b', '1', '\\'), maxLength: 60, size: 'large' });
  const index = fc.integer({ min: 0, max: 9 });
  fc.assert(
    fc.property(name, body, fc.array(fc.tuple(index, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 25 }), (segName, rest, reads) => {
      const raw = segName === 'MSH' ? `MSH|^~\\&|${rest}` : `${segName}|${rest}`;
      const seg = new Hl7Segment(raw, DEFAULT_DELIMITERS);
      for (const [n, rep, c, s] of reads) {
        assert.equal(seg.rawValue(n, rep, c, s), referenceValue(raw, n, rep, c, s), `${raw} ${n}~${rep}.${c}.${s}`);
      }
      const parts = raw.split('|');
      assert.equal(seg.fieldCount, segName === 'MSH' ? parts.length : parts.length - 1);
      for (let n = 1; n <= 9; n++) {
        const fields = segName === 'MSH' ? ['MSH', '|', ...parts.slice(1)] : parts;
        assert.equal(seg.rawField(n), fields[n] ?? '');
      }
    }),
    { numRuns: 3000 },
  );
});
