/*
 * LOINC codes are digits, a hyphen and a mod-10 check digit (LOINC Users' Guide, "Calculating
 * Mod 10 check digits"): double every other digit from the right, add the digits of the
 * products and the remaining digits, and the check digit brings the sum to a multiple of 10.
 * The guide's "take the odd positions as one number and double it" gives the same digit sum.
 */
const LOINC = /^(\d{1,7})-(\d)$/;

export function isValidLoinc(code: string): boolean {
  const m = LOINC.exec(code);
  if (m === null) return false;
  return loincCheckDigit(m[1]!) === Number(m[2]);
}

export function loincCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    const d = digits.charCodeAt(i) - 48;
    if (double) sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
    else sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
