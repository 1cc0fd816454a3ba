/*
 * Format checks for the primitive HL7 data types the edge validates (v2.5 appendix 2.A):
 *   DT  := YYYY[MM[DD]]
 *   DTM := YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]      (TS.1 before v2.6)
 *   NM  := [+|-] digits [. digits]                              (2.A NM: no exponent, no spaces)
 * Values are passed unescaped; an empty value is "not sent" and is the caller's business.
 */

const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?)?)?([+-]\d{4})?$/;
const DT = /^(\d{4})(?:(\d{2})(?:(\d{2}))?)?$/;
const NM = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

export function isValidDtm(value: string): boolean {
  const m = DTM.exec(value);
  if (m === null) return false;
  const [, , month, day, hour, minute, second, offset] = m;
  if (!isValidDate(Number(m[1]), month, day)) return false;
  if (hour !== undefined && Number(hour) > 23) return false;
  if (minute !== undefined && Number(minute) > 59) return false;
  // 60 is a leap second, which DTM allows (it follows ISO 8601).
  if (second !== undefined && Number(second) > 60) return false;
  if (offset !== undefined) {
    const h = Number(offset.slice(1, 3));
    const min = Number(offset.slice(3, 5));
    if (h > 14 || min > 59) return false;
  }
  return true;
}

export function isValidDt(value: string): boolean {
  const m = DT.exec(value);
  return m !== null && isValidDate(Number(m[1]), m[2], m[3]);
}

export function isValidNm(value: string): boolean {
  return NM.test(value);
}

function isValidDate(year: number, month: string | undefined, day: string | undefined): boolean {
  if (month === undefined) return true;
  const mo = Number(month);
  if (mo < 1 || mo > 12) return false;
  if (day === undefined) return true;
  const d = Number(day);
  return d >= 1 && d <= new Date(Date.UTC(year, mo, 0)).getUTCDate();
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
