import type { CodeableConcept, Coding, Quantity } from '@medplum/fhirtypes';
import { codingSystemUri } from '../code-systems.ts';
import type { Components } from '../segment-reader.ts';

/*
 * CWE/CE/CNE/CF → CodeableConcept (IG CWE[CodeableConcept]): triplets 1–3, 4–6 and 10–12 become
 * coding[1..3] with CWE.7/.8/.13 as their versions, CWE.9 original text is `text`. A triplet
 * with a display but no code adds to `text` instead of making a code-less coding.
 */

function triplet(c: Components, code: number, display: number, system: number, version: number, defaultSystem?: string): { coding?: Coding; text?: string } {
  const value = c.get(code);
  const shown = c.get(display);
  const name = c.get(system);
  const ver = c.get(version);
  if (value === '') {
    if (name !== '') c.drop(system);
    if (ver !== '') c.drop(version);
    return shown === '' ? {} : { text: shown };
  }
  return { coding: { system: codingSystemUri(name) ?? defaultSystem, version: ver || undefined, code: value, display: shown || undefined } };
}

export function toCodeableConcept(c: Components, defaultSystem?: string): CodeableConcept | undefined {
  const a = triplet(c, 1, 2, 3, 7, defaultSystem);
  const b = triplet(c, 4, 5, 6, 8);
  const d = triplet(c, 10, 11, 12, 13);
  const original = c.get(9);
  const coding = [a.coding, b.coding, d.coding].filter((x): x is Coding => x !== undefined);
  const text = original || a.text || b.text || d.text;
  if (coding.length === 0 && !text) return undefined;
  return { coding: coding.length ? coding : undefined, text: text || undefined };
}

/** First triplet only (CWE[Coding]). */
export function toCoding(c: Components, defaultSystem?: string): Coding | undefined {
  return triplet(c, 1, 2, 3, 7, defaultSystem).coding;
}

/**
 * CWE[Quantity] (OBX-6 units): CWE.1 → code and CWE.3 → system only when both are valued;
 * CWE.2, else CWE.1, → unit. UCUM (CWE.3 = UCUM) resolves to http://unitsofmeasure.org.
 */
export function toUnits(c: Components): Pick<Quantity, 'unit' | 'code' | 'system'> {
  const code = c.get(1);
  const text = c.get(2);
  const system = c.get(3);
  if (code !== '' && system !== '') return { unit: text || code, code, system: codingSystemUri(system) };
  if (system !== '') c.drop(3);
  return { unit: text || code || undefined };
}
