/**
 * Removes undefined, empty strings, empty arrays and empty objects, recursively: FHIR forbids
 * empty elements (ele-1), and mappers build objects with optional parts. Returns undefined
 * when nothing is left. false and 0 are values. An object or array with nothing to remove is
 * returned as it is; only what changes is copied.
 */
export function prune<T>(value: T): T | undefined {
  return pruneValue(value) as T | undefined;
}

function pruneValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return pruneArray(value);
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  let kept = 0;
  for (const key in record) {
    const v = record[key];
    const p = pruneValue(v);
    if (p === v && p !== undefined && out === undefined) {
      kept++;
      continue;
    }
    // The first change: the keys before this one are kept as they are.
    if (out === undefined) {
      out = {};
      for (const before in record) {
        if (before === key) break;
        if (record[before] !== undefined) out[before] = record[before];
      }
    }
    if (p !== undefined) {
      out[key] = p;
      kept++;
    }
  }
  if (kept === 0) return undefined;
  return out ?? record;
}

function pruneArray(value: readonly unknown[]): unknown[] | undefined {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const p = pruneValue(v);
    if (p === v && p !== undefined && out === undefined) continue;
    out ??= value.slice(0, i);
    if (p !== undefined) out.push(p);
  }
  if (out === undefined) return value.length > 0 ? (value as unknown[]) : undefined;
  return out.length > 0 ? out : undefined;
}
