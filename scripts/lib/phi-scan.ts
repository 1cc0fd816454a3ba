import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The PHI seeded into the demo and test messages (deploy/demo/samples, test fixtures). Any of
 * these in a log file is a leak.
 */
export const SEEDED_PHI = ['EVERYWOMAN', 'MRN78123456', '19620320', '1962-03-20', '999-12-3456', '2222 HOME STREET', '5552004'] as const;

export function scanForPhi(dir: string, values: readonly string[] = SEEDED_PHI): { file: string; value: string }[] {
  const leaks: { file: string; value: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const text = readFileSync(path, 'utf8');
        for (const v of values) if (text.includes(v)) leaks.push({ file: path, value: v });
      }
    }
  };
  walk(dir);
  return leaks;
}
