import { boundedLabel, type MetricsRegistry } from '@conduit/metrics';
import type { IntakeOutcome } from './intake.ts';

/** Seconds; the target is p99 under 5 ms, so the low buckets are fine-grained. */
const ACK_LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label values are sender-controlled text; this many distinct message types, then "other". */
const MAX_MESSAGE_TYPES = 100;

export interface IngestMetrics {
  observe(listener: string, transport: string, outcome: IntakeOutcome, seconds: number): void;
  oversized(listener: string, transport: string): void;
  connections(listener: string, open: number): void;
  refusedConnection(listener: string, reason: string): void;
  skippedBytes(listener: string, bytes: number): void;
  dedupeUnavailable(): void;
}

export function createIngestMetrics(m: MetricsRegistry): IngestMetrics {
  const received = m.counter('conduit_ingest_messages_received_total', 'Messages received (frames and batch members), by listener and transport.', ['listener', 'transport']);
  const accepted = m.counter('conduit_ingest_messages_accepted_total', 'Messages acknowledged as stored, by listener and message type; duplicate="true" for resends answered without publishing.', ['listener', 'message_type', 'duplicate']);
  const rejected = m.counter('conduit_ingest_messages_rejected_total', 'Messages not stored, by listener, catalog error code and message type.', ['listener', 'code', 'message_type']);
  const latency = m.histogram('conduit_ingest_ack_latency_seconds', 'Time from a complete message to its answer, by listener and acknowledgment outcome.', ['listener', 'outcome'], ACK_LATENCY_BUCKETS);
  const open = m.gauge('conduit_ingest_open_connections', 'Open MLLP connections, by listener.', ['listener']);
  const refused = m.counter('conduit_ingest_connections_refused_total', 'Connections refused, by listener and reason (connection cap, TLS handshake, client certificate).', ['listener', 'reason']);
  const skipped = m.counter('conduit_ingest_mllp_skipped_bytes_total', 'Bytes received outside any MLLP frame and skipped, by listener.', ['listener']);
  const dedupe = m.counter('conduit_ingest_dedupe_unavailable_total', 'Messages published without duplicate suppression because Redis did not answer.');
  const typeLabel = boundedLabel(/^[A-Z][A-Z0-9]{2}\^[A-Z0-9]{1,3}$/, MAX_MESSAGE_TYPES);
  const messageType = (outcome: IntakeOutcome): string => {
    const h = outcome.header;
    return h ? typeLabel(`${h.messageCode}^${h.triggerEvent}`) : 'unknown';
  };

  return {
    observe(listener, transport, outcome, seconds) {
      received.inc({ listener, transport });
      const type = messageType(outcome);
      switch (outcome.kind) {
        case 'stored':
        case 'duplicate':
          accepted.inc({ listener, message_type: type, duplicate: String(outcome.kind === 'duplicate') });
          break;
        case 'refused':
          rejected.inc({ listener, code: outcome.refusals[0]?.code ?? 'unknown', message_type: type });
          break;
        case 'failed':
          rejected.inc({ listener, code: outcome.code, message_type: type });
          break;
        case 'ignored':
          break;
      }
      latency.observe({ listener, outcome: outcome.kind }, seconds);
    },
    oversized(listener, transport) {
      received.inc({ listener, transport });
      rejected.inc({ listener, code: 'CDT_MLLP_FRAME_TOO_LARGE', message_type: 'unknown' });
    },
    connections: (listener, n) => open.set({ listener }, n),
    refusedConnection: (listener, reason) => refused.inc({ listener, reason }),
    skippedBytes: (listener, bytes) => skipped.inc({ listener }, bytes),
    dedupeUnavailable: () => dedupe.inc(),
  };
}
