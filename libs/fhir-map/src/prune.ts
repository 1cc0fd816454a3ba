/**
 * Empties, in place, what FHIR forbids empty (ele-1) and mappers leave behind when an optional
 * part is absent: an empty string, array or object becomes an undefined property, which the
 * validator skips and JSON.stringify leaves out; arrays are closed up over the empty entries.
 * Recursive; false and 0 are values. Returns whether anything is left.
 *
 * In place because nearly every mapped object holds some undefined optional part: copying them
 * (as this did) doubled a bundle's allocation, and the validator and the encoder then walked the
 * copies' fresh shapes.
 */
export function prune(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value !== 'object') return true;
  if (Array.isArray(value)) return pruneArray(value);
  const record = value as Record<string, unknown>;
  let kept = false;
  for (const key in record) {
    const v = record[key];
    if (v === undefined) continue;
    if (prune(v)) kept = true;
    else record[key] = undefined;
  }
  return kept;
}

function pruneArray(value: unknown[]): boolean {
  let kept = 0;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (!prune(v)) continue;
    if (kept !== i) value[kept] = v;
    kept++;
  }
  if (kept !== value.length) value.length = kept;
  return kept > 0;
}
