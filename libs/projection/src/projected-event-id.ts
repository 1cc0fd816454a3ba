import { hash } from 'node:crypto';

/**
 * The projected event's id: deterministic from the source event and the subscriber, so a re-projected
 * event carries the same id and subscribers deduplicate on it. The same construction as @conduit/bus
 * deriveEventId('projected', sourceEventId, subscriber) (a test keeps them equal); computed here so
 * this pure library does not load the Kafka client.
 */
export function deriveProjectedEventId(sourceEventId: string, subscriber: string): string {
  const hex = hash('sha256', `projected\u0000${sourceEventId}\u0000${subscriber}`, 'hex');
  // RFC 9562 §5.8: version 8 (custom) and the RFC 4122 variant.
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
