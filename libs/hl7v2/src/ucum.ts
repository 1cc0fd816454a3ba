import { createRequire } from 'node:module';

/*
 * UCUM unit validation with @lhncbc/ucum-lhc (the NLM's implementation of the UCUM grammar and
 * tables). It ships CommonJS without type declarations, so it is loaded with createRequire and
 * narrowed to the one call we make; loading its tables costs ~30 ms, paid on first use.
 */

export interface UcumValidator {
  /** True when unit is a valid, case-sensitive UCUM expression. */
  isValidUnit(unit: string): boolean;
}

interface UcumLhcUtils {
  validateUnitString(unit: string, suggest?: boolean): { status: string };
}

interface UcumLhcModule {
  UcumLhcUtils: { getInstance(): UcumLhcUtils };
}

function loadUcumLhc(): UcumLhcUtils {
  const mod: unknown = createRequire(import.meta.url)('@lhncbc/ucum-lhc');
  if (typeof mod !== 'object' || mod === null || !('UcumLhcUtils' in mod)) throw new Error('@lhncbc/ucum-lhc: unexpected module shape');
  return (mod as UcumLhcModule).UcumLhcUtils.getInstance();
}

/**
 * A validator with its own memo of answers: feeds repeat a few dozen units, and a miss asks
 * ucum-lhc without suggestions (suggesting alternatives costs milliseconds per unit).
 */
export function createUcumValidator(options: { maxMemo?: number } = {}): UcumValidator {
  const maxMemo = options.maxMemo ?? 4096;
  const memo = new Map<string, boolean>();
  let utils: UcumLhcUtils | undefined;
  return {
    isValidUnit(unit: string): boolean {
      const known = memo.get(unit);
      if (known !== undefined) return known;
      utils ??= loadUcumLhc();
      // ucum-lhc trims its input; UCUM itself has no whitespace, so a padded unit is not a code.
      const valid = unit !== '' && !/\s/.test(unit) && utils.validateUnitString(unit, false).status === 'valid';
      if (memo.size >= maxMemo) memo.clear();
      memo.set(unit, valid);
      return valid;
    },
  };
}
