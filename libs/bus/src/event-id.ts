import { createHash, randomBytes } from 'node:crypto';

/**
 * Deterministic event id from the sending application, facility and message control id (MSH-3,
 * MSH-4, MSH-10), so a re-sent message maps to the same event and consumers can deduplicate.
 * Formatted as a UUID (version nibble 8: "custom", RFC 9562 §5.8).
 */
export function deriveEventId(...parts: readonly string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A fresh W3C traceparent (version 00, sampled) for a message entering the engine. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
