import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_DELIMITERS, type Hl7Delimiters } from './delimiters.ts';
import { escapeValue, unescapeValue } from './escape.ts';

const d = DEFAULT_DELIMITERS;
const v27: Hl7Delimiters = { ...DEFAULT_DELIMITERS, truncation: '#' };
const odd: Hl7Delimiters = { field: '!', component: '@', repetition: '*', escape: '$', subcomponent: '%', truncation: '' };

test('delimiter escapes decode to the message delimiters (v2.5 §2.7)', () => {
  assert.equal(unescapeValue('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d), 'a|b^c&d~e\\f');
  assert.equal(unescapeValue('a$F$b$S$c$T$d$R$e$E$f', odd), 'a!b@c%d*e$f');
});

test('\\P\\ is the v2.7 truncation character, kept as written when none is declared', () => {
  assert.equal(unescapeValue('50\\P\\', v27), '50#');
  assert.equal(unescapeValue('50\\P\\', d), '50\\P\\');
});

test('highlighting and character set switches are dropped, text kept', () => {
  assert.equal(unescapeValue('\\H\\HIGH\\N\\ normal', d), 'HIGH normal');
  assert.equal(unescapeValue('a\\C2842\\b\\M2442\\c\\M244228\\d', d), 'abcd');
  assert.equal(unescapeValue('x\\Zlocal\\y', d), 'xy');
});

test('hexadecimal data decodes in the message character set', () => {
  assert.equal(unescapeValue('\\X41424344\\', d), 'ABCD');
  assert.equal(unescapeValue('caf\\XE9\\', d, 'latin1'), 'café');
  assert.equal(unescapeValue('caf\\XC3A9\\', d, 'utf8'), 'café');
  assert.equal(unescapeValue('caf\\XE9\\', d, 'utf8'), 'café', 'bytes that are not UTF-8 fall back to one byte per character');
  assert.equal(unescapeValue('\\X4\\', d), '\\X4\\', 'odd number of hex digits is not a sequence');
});

test('formatted-text commands keep line structure (v2.5 §2.7, FT)', () => {
  assert.equal(unescapeValue('line1\\.br\\line2', d), 'line1\nline2');
  assert.equal(unescapeValue('a\\.sp 2\\b', d), 'a\n\nb');
  assert.equal(unescapeValue('a\\.sp\\b', d), 'a\nb');
  assert.equal(unescapeValue('a\\.sk 3\\b', d), 'a   b');
  assert.equal(unescapeValue('\\.fi\\a\\.nf\\\\.in +4\\\\.ti -2\\b\\.ce\\c', d), 'ab\nc');
});

test('lone escape characters and unknown sequences are kept as data', () => {
  assert.equal(unescapeValue('C:\\temp', d), 'C:\\temp');
  assert.equal(unescapeValue('C:\\temp\\F\\x', d), 'C:\\temp|x');
  assert.equal(unescapeValue('\\\\', d), '\\\\');
  assert.equal(unescapeValue('\\Q\\', d), '\\Q\\');
  assert.equal(unescapeValue('no escapes', d), 'no escapes');
});

test('escapeValue escapes every delimiter and line breaks', () => {
  assert.equal(escapeValue('a|b^c&d~e\\f\r\ng', d), 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\\\.br\\g');
  assert.equal(escapeValue('50#', v27), '50\\P\\');
  assert.equal(escapeValue('a!b', odd), 'a$F$b');
});

test('property: unescape(escape(x)) === x for text without line breaks', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
      const text = s.replace(/[\r\n]/g, '');
      assert.equal(unescapeValue(escapeValue(text, d), d), text);
      assert.equal(unescapeValue(escapeValue(text, v27), v27), text);
    }),
    { numRuns: 1000 },
  );
});

test('property: unescape never throws on arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('\\', 'X', 'F', '.', 'b', 'r', 's', 'p', '1', 'E', 'C', 'M', 'Z', ' ', 'é'), maxLength: 60 }), (s) => {
      assert.equal(typeof unescapeValue(s, d, 'utf8'), 'string');
    }),
    { numRuns: 1000 },
  );
});
