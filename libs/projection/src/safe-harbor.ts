import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i): the identifier kinds, as cited in plans, published
 * contracts and comments.
 */
export const SAFE_HARBOR_BASIS = {
  names: '45 CFR 164.514(b)(2)(i)(A) names',
  geography: '45 CFR 164.514(b)(2)(i)(B) geographic subdivisions smaller than a state',
  dates: '45 CFR 164.514(b)(2)(i)(C) all elements of dates except year',
  ages: '45 CFR 164.514(b)(2)(i)(C) ages over 89 aggregated into 90 or older',
  telecom: '45 CFR 164.514(b)(2)(i)(D)-(F),(N) telephone, fax, e-mail, web URLs',
  identifiers: '45 CFR 164.514(b)(2)(i)(G)-(M),(R) SSN, medical record, health plan, account, license, vehicle, device and other identifying numbers',
  addresses: '45 CFR 164.514(b)(2)(i)(N),(O),(R) URLs, IP addresses and other identifying codes',
  images: '45 CFR 164.514(b)(2)(i)(P),(Q) biometric identifiers, full-face photographs and comparable images',
  freeText: '45 CFR 164.514(b)(2)(i)(A),(R) free text can carry names and any other identifier',
  reidentificationCode: '45 CFR 164.514(c) re-identification code: keyed, the key never disclosed',
} as const;

export type SafeHarborBasis = (typeof SAFE_HARBOR_BASIS)[keyof typeof SAFE_HARBOR_BASIS];

/** The year of a FHIR date, dateTime or instant (`2026`, `2026-11`, `2026-11-22T08:30:00Z`). */
export function yearOf(value: string): string | undefined {
  return /^\d{4}(-|$)/.test(value) ? value.slice(0, 4) : undefined;
}

const US = new Set(['US', 'USA', 'UNITED STATES', 'UNITED STATES OF AMERICA']);

/**
 * 164.514(b)(2)(i)(B): a US ZIP code becomes its first three digits, or 000 where the three-digit
 * area holds 20,000 people or fewer. Anything else (a foreign postal code, a malformed ZIP) is
 * removed: its geography cannot be generalized by the rule.
 */
export function generalizeZip(postalCode: string, country: unknown, restrictedZip3: ReadonlySet<string>): string | undefined {
  if (typeof country === 'string' && !US.has(country.trim().toUpperCase())) return undefined;
  const m = /^(\d{3})\d{2}(?:-?\d{4})?$/.exec(postalCode.trim());
  if (!m) return undefined;
  const zip3 = m[1]!;
  return restrictedZip3.has(zip3) ? '000' : zip3;
}

/**
 * The oldest the person can be at the reference time, given possibly partial dates (a birth year
 * alone counts from 1 January, the reference from 31 December), so the 90-or-older test errs
 * toward suppressing. Undefined when either date is unreadable.
 */
export function maxAgeAt(birthDate: string, reference: string): number | undefined {
  const b = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate);
  const r = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(reference);
  if (!b || !r) return undefined;
  const bMonthDay = Number(b[2] ?? '01') * 100 + Number(b[3] ?? '01');
  const rMonthDay = Number(r[2] ?? '12') * 100 + Number(r[3] ?? '31');
  return Number(r[1]) - Number(b[1]) - (rMonthDay < bMonthDay ? 1 : 0);
}

/** UCUM codes of the FHIR Age value set (R4 §6.1.0.9 Age: units of time), in years. */
const YEARS_PER_UNIT: Readonly<Record<string, number>> = { a: 1, mo: 1 / 12, wk: 7 / 365.25, d: 1 / 365.25, h: 1 / 8766, min: 1 / 525960 };

/**
 * An Age (e.g. Condition.onsetAge) of 90 years or more becomes ">= 90 a": 164.514(b)(2)(i)(C)
 * aggregates all ages over 89 into one category. An age whose unit cannot be read is removed
 * rather than guessed.
 */
export function capAge(age: Record<string, unknown>): Record<string, unknown> | undefined {
  const value = age['value'];
  if (typeof value !== 'number') return age;
  const code = typeof age['code'] === 'string' ? age['code'] : undefined;
  const unit = typeof age['unit'] === 'string' ? age['unit'] : '';
  const perUnit = code ? YEARS_PER_UNIT[code] : /^(y|yr|yrs|year|years)$/i.test(unit) ? 1 : undefined;
  if (perUnit === undefined) return undefined;
  if (value * perUnit < 90) return age;
  return { value: 90, comparator: '>=', unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' };
}

/** The age category a Patient carries when its birth date is suppressed for being 90 or older. */
export const AGE_CATEGORY_EXTENSION_URL = 'https://conduit.dev/fhir/StructureDefinition/safe-harbor-age-category';
export const AGE_90_OR_OLDER = '90+';

interface RestrictedZip3Data {
  readonly source: string;
  readonly threshold: number;
  readonly restricted: readonly string[];
}

let restricted: { readonly source: string; readonly set: ReadonlySet<string> } | undefined;

/** The Census three-digit ZIP areas of 20,000 people or fewer (data/restricted-zip3.json). */
export function loadRestrictedZip3(): { readonly source: string; readonly set: ReadonlySet<string> } {
  if (!restricted) {
    const data = JSON.parse(readFileSync(join(import.meta.dirname, '../data/restricted-zip3.json'), 'utf8')) as RestrictedZip3Data;
    restricted = { source: data.source, set: new Set(data.restricted) };
  }
  return restricted;
}
