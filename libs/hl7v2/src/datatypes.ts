/*
 * Format checks for the primitive HL7 data types the edge validates (v2.5 appendix 2.A):
 *   DT  := YYYY[MM[DD]]
 *   DTM := YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]      (TS.1 before v2.6)
 *   NM  := [+|-] digits [. digits]                              (2.A NM: no exponent, no spaces)
 * Values are passed unescaped; an empty value is "not sent" and is the caller's business.
 */

const DT = /^(\d{4})(?:(\d{2})(?:(\d{2}))?)?$/;
const NM = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

const ZERO = 0x30;
const DOT = 0x2e;
const PLUS = 0x2b;
const MINUS = 0x2d;

/** The two-digit number at v[i], or -1 when either character is not a digit. */
function twoDigits(v: string, i: number): number {
  const a = v.charCodeAt(i) - ZERO;
  const b = v.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * A character scan rather than a regular expression: every message carries several DTMs (each
 * OBX-14), and at the edge they are checked before the sender gets its ACK.
 */
export function isValidDtm(value: string): boolean {
  const n = value.length;
  let digits = 0;
  while (digits < n && digits < 15) {
    const ch = value.charCodeAt(digits);
    if (ch < ZERO || ch > ZERO + 9) break;
    digits++;
  }
  if (digits < 4 || digits > 14 || digits % 2 !== 0) return false;
  let i = digits;
  if (i < n && value.charCodeAt(i) === DOT) {
    if (digits !== 14) return false;
    const from = ++i;
    while (i < n && i - from < 5 && value.charCodeAt(i) >= ZERO && value.charCodeAt(i) <= ZERO + 9) i++;
    if (i === from || i - from > 4) return false;
  }
  if (i < n) {
    const sign = value.charCodeAt(i);
    if ((sign !== PLUS && sign !== MINUS) || n - i !== 5) return false;
    const h = twoDigits(value, i + 1);
    const min = twoDigits(value, i + 3);
    if (h < 0 || h > 14 || min < 0 || min > 59) return false;
  }
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  if (digits >= 6 && !isValidDate(year, twoDigits(value, 4), digits >= 8 ? twoDigits(value, 6) : NO_DAY)) return false;
  if (digits >= 10 && twoDigits(value, 8) > 23) return false;
  if (digits >= 12 && twoDigits(value, 10) > 59) return false;
  // 60 is a leap second, which DTM allows (it follows ISO 8601).
  return digits < 14 || twoDigits(value, 12) <= 60;
}

export function isValidDt(value: string): boolean {
  const m = DT.exec(value);
  return m !== null && (m[2] === undefined || isValidDate(Number(m[1]), Number(m[2]), m[3] === undefined ? NO_DAY : Number(m[3])));
}

export function isValidNm(value: string): boolean {
  return NM.test(value);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const NO_DAY = -1;

/** Month 1-12, day NO_DAY when none was given. Proleptic Gregorian leap years, as ISO 8601. */
function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12) return false;
  if (day === NO_DAY) return true;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** SN comparators and separators (v2.5 2.A, SN). */
const SN_COMPARATORS = new Set(['', '>', '<', '>=', '<=', '=', '<>']);
const SN_SEPARATORS = new Set(['', '-', '+', '/', '.', ':']);

/**
 * Structured numeric: comparator ^ num1 ^ separator/suffix ^ num2. Returns the 1-based component
 * that is wrong, or 0 when the value is well formed.
 */
export function findSnError(components: readonly string[]): number {
  const [comparator = '', num1 = '', separator = '', num2 = ''] = components;
  if (!SN_COMPARATORS.has(comparator)) return 1;
  if (num1 !== '' && !isValidNm(num1)) return 2;
  if (!SN_SEPARATORS.has(separator)) return 3;
  if (num2 !== '' && !isValidNm(num2)) return 4;
  return 0;
}
