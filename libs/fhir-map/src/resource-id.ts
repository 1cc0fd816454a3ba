import { createHash } from 'node:crypto';

/**
 * Deterministic resource id: re-normalizing the same message yields the same ids, and the same
 * patient (authority + identifier) gets the same Patient id across messages. Hashed so that no
 * identifier appears in an id; formatted as a UUID so `urn:uuid:` fullUrls are valid.
 */
export function deriveResourceId(resourceType: string, ...parts: readonly string[]): string {
  const hex = createHash('sha256').update([resourceType, ...parts].join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
