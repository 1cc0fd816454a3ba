/*
 * The FHIR R4 primitive types as JSON values (https://hl7.org/fhir/R4/datatypes.html#primitive,
 * https://hl7.org/fhir/R4/json.html#primitive): the JSON kind each one takes and the lexical rule
 * of its value. The rules are the R4 regexes, written for JavaScript, and never looser than
 * @medplum/core's validationRegexes, which the differential tests hold this file to:
 *
 * - dateTime and instant follow R4: a time has minutes and seconds and then a zone ("If hours and
 *   minutes are specified, a time zone SHALL be populated"); medplum also accepts `2026-11-22T10`
 *   and `2026-11-22T10:00:00` without one. Fractions keep medplum's limit of 9 digits.
 * - string and markdown: R4's rule in words ("SHALL NOT contain Unicode character points below 32,
 *   except for u0009, u000D and u000A") and some non-whitespace content, as medplum checks; R4's
 *   `[ \r\n\t\S]+` means that only under Java's ASCII `\s`.
 * - code: no whitespace but single spaces (R4's words; its regex lets any whitespace through).
 * - base64Binary: medplum's alphabet and padding check (no embedded whitespace), and a limit on the
 *   decoded size, which R4 leaves to implementations ("systems will have to impose some
 *   implementation based limit"): medplum's default of 1 MB unless the validator is given another.
 */

/**
 * A primitive type as data, so that one check serves them all: its JSON kind, the lexical rule of
 * a string, and the range of an integer.
 */
export interface PrimitiveType {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'boolean';
  /** Strings: the lexical form; undefined for base64Binary, checked by its own rule. */
  readonly pattern: RegExp | undefined;
  /** date, dateTime, instant: the day must exist in its month. */
  readonly calendar: boolean;
  /** Numbers: integers only, from this minimum (undefined for decimal). */
  readonly minimum: number | undefined;
}

const YEAR = '(\\d(\\d(\\d[1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2]\\d|3[0-1])';
const TIME = '([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d{1,9})?';
const ZONE = '(Z|[+-]((0\\d|1[0-3]):[0-5]\\d|14:00))';

/** R4 datatypes: string "SHALL NOT exceed 1MB in size"; medplum counts UTF-16 units. */
const MAX_STRING = 1024 * 1024;
/** Decoded bytes of a base64Binary value when the validator is given no other limit (medplum's base64BinaryMaxBytes). */
export const DEFAULT_BASE64_MAX_BYTES = 1024 * 1024;
const INTEGER_MAX = 2_147_483_647;
const BASE64 = /^[A-Za-z\d+/]+$/;

const string = (name: string, pattern: RegExp | undefined, calendar = false): PrimitiveType => ({ name, kind: 'string', pattern, calendar, minimum: undefined });
const number = (name: string, minimum: number | undefined): PrimitiveType => ({ name, kind: 'number', pattern: undefined, calendar: false, minimum });
const TEXT = /^[\r\n\t\u0020-\uFFFF]+$/;
const NO_WHITESPACE = /^\S*$/;

const TYPES: readonly PrimitiveType[] = [
  { name: 'boolean', kind: 'boolean', pattern: undefined, calendar: false, minimum: undefined },
  number('decimal', undefined),
  number('integer', -2_147_483_648),
  number('unsignedInt', 0),
  number('positiveInt', 1),
  string('string', TEXT),
  string('markdown', TEXT),
  // Narrative.div: medplum checks xhtml as content only, and its txt-1/txt-2 (htmlChecks()) always hold.
  string('xhtml', /^/),
  string('code', /^[^\s]+( [^\s]+)*$/),
  string('id', /^[A-Za-z0-9\-.]{1,64}$/),
  string('oid', /^urn:oid:[0-2](\.(0|[1-9]\d*))+$/),
  string('uuid', /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  string('uri', NO_WHITESPACE),
  string('url', NO_WHITESPACE),
  string('canonical', NO_WHITESPACE),
  string('date', new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`), true),
  string('dateTime', new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`), true),
  string('instant', new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`), true),
  string('time', new RegExp(`^${TIME}$`)),
  string('base64Binary', undefined),
];

/** The R4 primitive types by name. */
export const PRIMITIVE_TYPES: ReadonlyMap<string, PrimitiveType> = new Map(TYPES.map((t) => [t.name, t]));

/** Some character that String.prototype.trim keeps: a string of whitespace only is no value. */
function hasContent(s: string): boolean {
  const c = s.charCodeAt(0);
  // Printable ASCII but space decides at once; anything else asks trim(), which knows Unicode spaces.
  return (c > 0x20 && c < 0x7f) || s.trim() !== '';
}

/** date, dateTime, instant (their pattern matched): the day exists in its month (2026-02-30 does not). */
function dayExists(s: string): boolean {
  if (s.length < 10) return true;
  const digits = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 0x30;
    return n;
  };
  const day = digits(8, 10);
  return day <= 28 || day <= new Date(Date.UTC(digits(0, 4), digits(5, 7), 0)).getUTCDate();
}

/** Whole 4-character groups of the base64 alphabet, `=` padding only at the end, at most maxBytes decoded. */
function base64(s: string, maxBytes: number): boolean {
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return s.length > 0 && s.length % 4 === 0 && Math.floor((s.length * 3) / 4) - padding <= maxBytes && BASE64.test(s.slice(0, s.length - padding));
}

/** The value is of the type's JSON kind and meets its rule; a base64Binary decodes to at most base64MaxBytes. */
export function isValidPrimitive(type: PrimitiveType, v: unknown, base64MaxBytes = DEFAULT_BASE64_MAX_BYTES): boolean {
  if (typeof v === 'string') {
    if (type.kind !== 'string') return false;
    const pattern = type.pattern;
    if (pattern === undefined) return base64(v, base64MaxBytes);
    return v.length <= MAX_STRING && hasContent(v) && pattern.test(v) && (!type.calendar || dayExists(v));
  }
  if (typeof v === 'number') {
    if (type.kind !== 'number' || !Number.isFinite(v)) return false;
    const minimum = type.minimum;
    return minimum === undefined || (Number.isInteger(v) && v >= minimum && v <= INTEGER_MAX);
  }
  return typeof v === 'boolean' && type.kind === 'boolean';
}
