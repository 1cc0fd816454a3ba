import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { MllpDecoder, encodeMllpFrame } from '@conduit/hl7v2';
import type { ConduitLogger } from '@conduit/log';

export interface MllpConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly tls: boolean;
  /** Subject of the verified client certificate (mTLS), e.g. "CN=ehr-feed,O=Hospital". */
  readonly certificateSubject?: string;
}

export interface MllpServerOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly tls?: TlsOptions;
  readonly logger: ConduitLogger;
  /** Answers one frame; the returned text is sent back framed. Called in order per connection. */
  readonly onMessage: (payload: Buffer, connection: MllpConnectionInfo) => Promise<string>;
  /** Answers a frame discarded for exceeding maxFrameBytes. */
  readonly onOversized: (bytes: number, connection: MllpConnectionInfo) => string;
  readonly onConnectionChange?: (open: number) => void;
  readonly onSkippedBytes?: (bytes: number) => void;
}

export interface MllpServer {
  readonly port: number;
  close(): Promise<void>;
}

function subjectOf(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  return Object.entries(cert.subject).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(',');
}

/**
 * One MLLP listener. Frames of a connection are answered strictly in order; while a frame is
 * being stored the socket is paused, so a fast sender cannot queue unbounded work (backpressure).
 */
export async function startMllpServer(o: MllpServerOptions): Promise<MllpServer> {
  const log = o.logger.child({ component: 'mllp', listener: o.name });
  const sockets = new Set<Socket>();
  let nextId = 1;

  const onConnection = (socket: Socket, tls: boolean) => {
    if (sockets.size >= o.maxConnections) {
      log.warn({ open: sockets.size }, 'connection refused: listener at its connection cap');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    o.onConnectionChange?.(sockets.size);
    const subject = tls ? subjectOf(socket as TLSSocket) : undefined;
    const info: MllpConnectionInfo = {
      id: nextId++,
      remoteAddress: socket.remoteAddress ?? 'unknown',
      tls,
      ...(subject ? { certificateSubject: subject } : {}),
    };
    const decoder = new MllpDecoder({ maxFrameBytes: o.maxFrameBytes });
    const pending: ({ kind: 'frame'; payload: Buffer } | { kind: 'oversized'; bytes: number })[] = [];
    let busy = false;
    let skippedSeen = 0;

    const pump = async () => {
      if (busy) return;
      busy = true;
      socket.pause();
      try {
        while (pending.length > 0 && !socket.destroyed) {
          const ev = pending.shift()!;
          const reply = ev.kind === 'frame' ? await o.onMessage(ev.payload, info) : o.onOversized(ev.bytes, info);
          if (!socket.destroyed) socket.write(encodeMllpFrame(reply));
        }
      } catch (err) {
        // onMessage must answer every frame itself; reaching here is a defect, so drop the link
        // rather than acknowledge anything.
        log.error({ err, connection: info.id }, 'frame handler failed; closing connection');
        socket.destroy();
      } finally {
        busy = false;
        if (!socket.destroyed) socket.resume();
      }
    };

    socket.setTimeout(o.idleTimeoutMs);
    socket.on('timeout', () => {
      log.info({ connection: info.id }, 'idle timeout; closing connection');
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      const events = decoder.push(chunk);
      const skipped = decoder.stats.skippedBytes;
      if (skipped > skippedSeen) {
        o.onSkippedBytes?.(skipped - skippedSeen);
        skippedSeen = skipped;
      }
      if (events.length === 0) return;
      pending.push(...events);
      void pump();
    });
    socket.on('error', (err) => log.info({ err, connection: info.id }, 'connection error'));
    socket.on('close', () => {
      sockets.delete(socket);
      o.onConnectionChange?.(sockets.size);
    });
  };

  const server: Server = o.tls
    ? createTlsServer({ minVersion: 'TLSv1.2', ...o.tls }, (s) => onConnection(s, true))
    : createTcpServer((s) => onConnection(s, false));
  if (o.tls) server.on('tlsClientError', (err) => log.warn({ err }, 'TLS handshake refused'));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  log.info({ port, tls: Boolean(o.tls) }, 'MLLP listener started');

  return {
    port,
    close() {
      return new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const s of sockets) s.end();
        setTimeout(() => { for (const s of sockets) s.destroy(); }, 2000).unref();
      });
    },
  };
}
