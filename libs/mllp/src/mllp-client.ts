import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { MllpDecoder, encodeMllpFrame } from '@conduit/hl7v2';

export interface MllpClientOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: ConnectionOptions;
  readonly maxFrameBytes?: number;
}

/**
 * A minimal MLLP client of our own for tests, load generation and benchmarks: it can keep
 * several messages in flight and write arbitrary bytes (split or coalesced frames), which
 * node-hl7-client cannot do safely (stack notes).
 */
export class MllpClient {
  private readonly socket: Socket;
  private readonly decoder: MllpDecoder;
  private readonly waiting: { resolve: (ack: string) => void; reject: (err: Error) => void }[] = [];
  private closedError: Error | null = null;
  readonly ready: Promise<void>;

  private constructor(o: MllpClientOptions) {
    this.decoder = new MllpDecoder({ maxFrameBytes: o.maxFrameBytes ?? 16 * 1024 * 1024 });
    this.socket = o.tls ? connectTls({ host: o.host, port: o.port, ...o.tls }) : connectTcp({ host: o.host, port: o.port });
    this.ready = new Promise((resolveReady, reject) => {
      this.socket.once(o.tls ? 'secureConnect' : 'connect', () => resolveReady());
      this.socket.once('error', reject);
    });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      for (const ev of this.decoder.push(chunk)) {
        if (ev.kind === 'frame') this.waiting.shift()?.resolve(ev.payload.toString('utf8'));
      }
    });
    const fail = (err: Error) => {
      this.closedError = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(this.closedError ?? new Error('connection closed')));
  }

  static async connect(o: MllpClientOptions): Promise<MllpClient> {
    const c = new MllpClient(o);
    await c.ready;
    return c;
  }

  /** Sends one framed message; resolves with the next ACK in order. */
  send(message: string | Buffer): Promise<string> {
    return this.sendRaw(encodeMllpFrame(message), 1)[0]!;
  }

  /** Writes raw bytes and expects `expectedAcks` answers for them (in order). */
  sendRaw(bytes: Buffer, expectedAcks: number): Promise<string>[] {
    const acks: Promise<string>[] = [];
    for (let i = 0; i < expectedAcks; i++) {
      acks.push(new Promise<string>((resolveAck, reject) => {
        if (this.closedError) reject(this.closedError);
        else this.waiting.push({ resolve: resolveAck, reject });
      }));
    }
    this.socket.write(bytes);
    return acks;
  }

  /** Resolves when the server closes the connection. */
  closed(): Promise<void> {
    return new Promise((r) => (this.socket.destroyed ? r() : this.socket.once('close', () => r())));
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}
