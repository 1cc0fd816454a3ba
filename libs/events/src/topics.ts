/** Topic names of the architecture; deploy/kafka/topics.json declares their settings. */
export const Topics = {
  raw: 'conduit.hl7v2.raw.v1',
  canonical: 'conduit.canonical.v1',
  projected: 'conduit.projected.v1',
  dlq: 'conduit.dlq.v1',
  audit: 'conduit.audit.v1',
} as const;

/**
 * Largest record value Conduit writes to its pipeline topics: they take 10 MiB
 * (max.message.bytes in deploy/kafka/topics.json), and 64 KiB of that is left to the key, headers
 * and batch framing. A larger record would fail every write of its batch and stop its partition.
 */
export const MAX_RECORD_BYTES = 10 * 1024 * 1024 - 64 * 1024;

/**
 * Whether a string of this many UTF-16 units surely encodes, as a JSON string, to at most `bytes`:
 * JSON with UTF-8 takes at most 6 bytes a unit (a control character becomes \u00XX), 2 more for
 * the quotes. Lets a size check skip encoding the strings that are far too short to matter.
 */
export function jsonSurelyWithin(units: number, bytes: number): boolean {
  return units * 6 + 2 <= bytes;
}

export function subscriberTopic(subscriberId: string): string {
  return `conduit.sub.${subscriberId}.v1`;
}

/** Schema names and versions stamped into the conduit-schema headers. */
export const SchemaIds = {
  raw: { name: 'raw-message', version: '1' },
  canonical: { name: 'canonical-event', version: '1' },
  projected: { name: 'projected-event', version: '1' },
  dlq: { name: 'dlq-record', version: '1' },
} as const;
