import { hash } from 'node:crypto';

/** Bytes of a resource digest: one AES block (domain-tokens.ts encrypts it into the subscriber's id). */
export const RESOURCE_DIGEST_BYTES = 16;

/**
 * Unkeyed SHA-256 of each resource's type and source id, truncated to one AES block, written side by
 * side into one buffer. Computed once per event for all subscribers; each token domain then turns it
 * into its own pseudonymous ids with one cipher call.
 */
export function digestResourceIds(ids: readonly { readonly resourceType: string; readonly sourceId: string }[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * RESOURCE_DIGEST_BYTES);
  for (let i = 0; i < ids.length; i++) {
    const e = ids[i]!;
    out.write(hash('sha256', `${e.resourceType}\u0000${e.sourceId}`, 'binary'), i * RESOURCE_DIGEST_BYTES, RESOURCE_DIGEST_BYTES, 'binary');
  }
  return out;
}
