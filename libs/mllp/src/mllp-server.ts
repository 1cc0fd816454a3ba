import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { MllpDecoder, encodeMllpFrame, type MllpEvent } from '@conduit/hl7v2';
import type { ConduitLogger } from '@conduit/log';
import { checkClientCertificate, tlsOptionsFor, type ClientCertificateMode } from './client-certificate.ts';

export interface MllpConnectionInfo {
  readonly id: number;
  readonly listener: string;
  readonly remoteAddress: string;
  readonly tls: boolean;
  /** Subject of the verified client certificate (mTLS), e.g. "CN=ehr-feed,O=Hospital". */
  readonly certificateSubject?: string;
}

/**
 * What to send back for one frame: zero or more frames (an enhanced-mode sender may ask for
 * none, or for an accept and an application acknowledgment), then optionally close the link.
 */
export interface MllpReply {
  readonly frames: readonly (string | Buffer)[];
  readonly close?: boolean;
}

export type MllpRefusal = 'max-connections' | 'tls-handshake' | 'client-certificate';

export interface MllpServerOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** Key, certificate and CA (node:tls options); TLS 1.2 is the floor. */
  readonly tls?: TlsOptions;
  readonly clientCertificate?: ClientCertificateMode;
  readonly logger: ConduitLogger;
  /** Answers one frame. Called for one frame at a time per connection, in order. */
  readonly onMessage: (payload: Buffer, connection: MllpConnectionInfo) => Promise<MllpReply>;
  /** Answers a frame discarded for exceeding maxFrameBytes. */
  readonly onOversized: (bytes: number, connection: MllpConnectionInfo) => MllpReply;
  readonly onConnectionChange?: (open: number) => void;
  readonly onSkippedBytes?: (bytes: number) => void;
  readonly onRefused?: (reason: MllpRefusal) => void;
}

export interface MllpServer {
  readonly port: number;
  readonly openConnections: number;
  /** Stops accepting, lets each connection finish the frame it is answering, then closes. */
  close(): Promise<void>;
}

/**
 * One MLLP listener. Frames of a connection are answered strictly in order, one at a time: data
 * arriving while a frame is being stored pauses the socket until that frame is answered, and
 * while an answer sits unsent in the socket's buffer no further frame is taken, so neither a
 * fast sender nor one that never reads its ACKs can queue unbounded work (backpressure). Memory
 * per connection is bounded by maxFrameBytes plus one TCP chunk.
 */
export async function startMllpServer(o: MllpServerOptions): Promise<MllpServer> {
  const log = o.logger.child({ component: 'mllp', listener: o.name });
  const mode = o.clientCertificate ?? 'none';
  const connections = new Map<Socket, { busy: boolean }>();
  let nextId = 1;
  let closing = false;

  const onConnection = (socket: Socket, tls: boolean) => {
    if (closing || connections.size >= o.maxConnections) {
      log.warn({ open: connections.size }, 'connection refused: listener at its connection cap');
      o.onRefused?.('max-connections');
      socket.destroy();
      return;
    }
    let subject: string | undefined;
    if (tls) {
      const check = checkClientCertificate(socket as TLSSocket, mode);
      if (!check.ok) {
        log.warn({ reason: check.reason }, 'connection refused: client certificate');
        o.onRefused?.('client-certificate');
        socket.destroy();
        return;
      }
      subject = check.subject;
    }
    const state = { busy: false };
    connections.set(socket, state);
    o.onConnectionChange?.(connections.size);
    const info: MllpConnectionInfo = {
      id: nextId++,
      listener: o.name,
      remoteAddress: normalizeAddress(socket.remoteAddress),
      tls,
      ...(subject ? { certificateSubject: subject } : {}),
    };
    const decoder = new MllpDecoder({ maxFrameBytes: o.maxFrameBytes });
    const pending: MllpEvent[] = [];
    let skippedSeen = 0;

    const send = async (reply: MllpReply): Promise<void> => {
      for (const frame of reply.frames) {
        if (socket.destroyed) return;
        if (!socket.write(encodeMllpFrame(frame))) await drained(socket);
      }
      if (reply.close && !socket.destroyed) socket.end();
    };

    const pump = async () => {
      if (state.busy) return;
      state.busy = true;
      try {
        while (pending.length > 0 && !socket.destroyed && !closing) {
          const ev = pending.shift()!;
          await send(ev.kind === 'frame' ? await o.onMessage(ev.payload, info) : o.onOversized(ev.bytes, info));
        }
      } catch (err) {
        // onMessage answers every frame itself; reaching here is a defect, so drop the link
        // rather than acknowledge anything.
        log.error({ err, connection: info.id }, 'frame handler failed; closing connection');
        socket.destroy();
      } finally {
        state.busy = false;
        if (closing) socket.end();
        else if (!socket.destroyed && socket.isPaused()) socket.resume();
      }
    };

    socket.setNoDelay(true);
    socket.setTimeout(o.idleTimeoutMs);
    socket.on('timeout', () => {
      // A Kafka write in progress is not idleness; the write has its own deadline.
      if (state.busy) return;
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
      pending.push(...events);
      // Paused only when the sender gets ahead of us (pipelining, or not reading its ACKs): a
      // serial sender never is, and saves two syscalls per message.
      if (state.busy) socket.pause();
      else if (events.length > 0) void pump();
    });
    socket.on('error', (err) => log.info({ err, connection: info.id }, 'connection error'));
    socket.on('close', () => {
      connections.delete(socket);
      o.onConnectionChange?.(connections.size);
    });
  };

  const server: Server = o.tls
    ? createTlsServer(tlsOptionsFor(mode, o.tls), (s) => onConnection(s, true))
    : createTcpServer((s) => onConnection(s, false));
  // Refused before any TLS handshake work is spent on them; 'drop' reports each one (Node ≥ 18).
  server.maxConnections = o.maxConnections;
  server.on('drop', () => {
    log.warn({ open: connections.size }, 'connection refused: listener at its connection cap');
    o.onRefused?.('max-connections');
  });
  if (o.tls) {
    server.on('tlsClientError', (err) => {
      log.warn({ err }, 'TLS handshake refused');
      o.onRefused?.('tls-handshake');
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  log.info({ port, tls: Boolean(o.tls), clientCertificate: mode }, 'MLLP listener started');

  return {
    port,
    get openConnections() {
      return connections.size;
    },
    async close() {
      closing = true;
      const sockets = [...connections.keys()];
      const socketsClosed = sockets.map((s) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r()))));
      const serverClosed = new Promise<void>((r) => server.close(() => r()));
      for (const [s, state] of connections) if (!state.busy) s.end();
      // A sender that never closes its side must not hold shutdown.
      const timer = setTimeout(() => {
        for (const s of connections.keys()) s.destroy();
      }, 5000);
      await Promise.all([serverClosed, ...socketsClosed]);
      clearTimeout(timer);
    },
  };
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolveDrain) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolveDrain();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** "::ffff:10.0.0.5" (an IPv4 peer on a dual-stack socket) is reported as "10.0.0.5". */
function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
