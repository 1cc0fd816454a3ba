import type { CanonicalEvent } from '@conduit/events';
import { boundedLabel, type MetricsRegistry } from '@conduit/metrics';

/** Seconds per record, decode to encoded event: a typical message takes under a millisecond. */
const DURATION_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];
/** Bytes of the encoded canonical event, up to the topics' 10 MiB. */
const SIZE_BUCKETS = [8192, 32768, 131072, 524288, 2097152, 10485760];
/**
 * Unused-field paths come from the structure of what senders send (Z-segments included), so
 * their number is theirs to grow: this many distinct paths are counted by name, the rest as
 * "other". A path is a segment name and numbers (PID-5.14), never a value.
 */
const MAX_UNMAPPED_PATHS = 500;
const PATH = /^[A-Z][A-Z0-9]{2}-\d{1,4}(?:\.\d{1,4}){0,2}$/;
/**
 * The ingest listener a message came in on names the feed in the operator's own terms; it is
 * configuration, not message content, but the raw record carries it as free text, so only names
 * of a listener's shape are labels, and only the first 50.
 */
const MAX_LISTENERS = 50;
const LISTENER = /^[A-Za-z0-9:._-]{1,64}$/;

/**
 * What normalize has made of its records, for operators: events by type and feed, dead letters by
 * catalogued code, time and size per event, and the fields each feed sends that no mapping uses
 * (the per-message mapping reports, summed). Labels are types, codes, listener names and paths
 * only.
 */
export interface NormalizeMetrics {
  normalized(event: CanonicalEvent, bytes: number, seconds: number): void;
  deadLettered(code: string): void;
}

export function createNormalizeMetrics(m: MetricsRegistry): NormalizeMetrics {
  const events = m.counter('conduit_normalize_events_total', 'Canonical events made from raw records, by ingest listener, event type and HL7 message type (a batch read again after a failed publish counts again).', ['listener', 'event_type', 'message_type']);
  const dead = m.counter('conduit_normalize_dead_lettered_total', 'Raw records sent to the DLQ instead of normalized, by catalog error code (a batch read again after a failed publish counts again).', ['code']);
  const duration = m.histogram('conduit_normalize_duration_seconds', 'Time to normalize one record: decode, map, validate (FHIR R4 and the canonical schema) and encode.', ['message_type'], DURATION_BUCKETS);
  const size = m.histogram('conduit_normalize_event_bytes', 'Size of each encoded canonical event.', [], SIZE_BUCKETS);
  const unmapped = m.counter('conduit_normalize_unmapped_fields_total', 'Occurrences of fields present in messages that no mapping used, by ingest listener and path (PID-5.14); "other" past the first 500 paths.', ['listener', 'path']);
  const pathLabel = boundedLabel(PATH, MAX_UNMAPPED_PATHS);
  const listenerLabel = boundedLabel(LISTENER, MAX_LISTENERS);
  return {
    normalized(event, bytes, seconds) {
      const listener = listenerLabel(event.source.listener);
      events.inc({ listener, event_type: event.eventType, message_type: event.messageType });
      duration.observe({ message_type: event.messageType }, seconds);
      size.observe(bytes);
      for (const { path, count } of event.mappingReport?.unmapped ?? []) unmapped.inc({ listener, path: pathLabel(path) }, count);
    },
    deadLettered: (code) => dead.inc({ code }),
  };
}
