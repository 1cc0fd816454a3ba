/**
 * A label for values whose number is not ours to bound (message types, paths, names that arrive
 * in records): values of `shape` are labels, the first `max` distinct ones by name, and every
 * other value is "other". A value of another shape never becomes a label, so text from a
 * message cannot reach the exposition.
 */
export function boundedLabel(shape: RegExp, max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max || !shape.test(value)) return 'other';
    seen.add(value);
    return value;
  };
}
