/**
 * Removes undefined, empty strings, empty arrays and empty objects, recursively: FHIR forbids
 * empty elements (ele-1), and mappers build objects with optional parts. Returns undefined
 * when nothing is left. false and 0 are values.
 */
export function prune<T>(value: T): T | undefined {
  return pruneValue(value) as T | undefined;
}

function pruneValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = pruneValue(value[i]);
      if (v !== undefined) (out ??= []).push(v);
    }
    return out;
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = pruneValue(record[key]);
    if (v !== undefined) (out ??= {})[key] = v;
  }
  return out;
}
