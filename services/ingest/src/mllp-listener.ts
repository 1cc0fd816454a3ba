import type { ConduitLogger } from '@conduit/log';
import { startMllpServer, type MllpServer } from '@conduit/mllp';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { Intake } from './intake.ts';
import type { ListenerConfig } from './listener-config.ts';
import { mllpReplyFor, oversizedReply } from './mllp-replies.ts';

/** One configured MLLP listener wired to the intake: frames in, ACK frames out, metrics beside. */
export function startMllpListener(listener: ListenerConfig, intake: Intake, metrics: IngestMetrics, logger: ConduitLogger): Promise<MllpServer> {
  const name = listener.name;
  const transport = listener.tlsMaterial ? 'mllp-tls' : 'mllp';
  return startMllpServer({
    name,
    host: listener.host,
    port: listener.port,
    maxFrameBytes: listener.maxFrameBytes,
    idleTimeoutMs: listener.idleTimeoutMs,
    maxConnections: listener.maxConnections,
    ...(listener.tlsMaterial ? { tls: listener.tlsMaterial } : {}),
    clientCertificate: listener.clientCertificate,
    logger,
    onMessage: async (payload, connection) => {
      const started = performance.now();
      const outcome = await intake.receiveBytes(payload, {
        listener,
        transport,
        remoteAddress: connection.remoteAddress,
        connection: connection.id,
        ...(connection.certificateSubject ? { certificateSubject: connection.certificateSubject } : {}),
      });
      const reply = mllpReplyFor(outcome, new Date());
      metrics.observe(name, transport, outcome, (performance.now() - started) / 1000);
      return reply;
    },
    onOversized: (bytes, connection) => {
      logger.warn({ listener: name, connection: connection.id, bytes, code: 'CDT_MLLP_FRAME_TOO_LARGE' }, 'oversized frame discarded');
      metrics.oversized(name, transport);
      return oversizedReply(new Date());
    },
    onConnectionChange: (open) => metrics.connections(name, open),
    onSkippedBytes: (bytes) => metrics.skippedBytes(name, bytes),
    onRefused: (reason) => metrics.refusedConnection(name, reason),
  });
}
