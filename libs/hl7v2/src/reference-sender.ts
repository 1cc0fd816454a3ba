import type { Client as Hl7Client } from 'node-hl7-client';
import { parseHl7 } from './parse.ts';
import { readHeader } from './header.ts';

export interface ReferenceSendOptions {
  readonly host: string;
  readonly port: number;
  readonly message: string;
  readonly timeoutMs?: number;
}

/**
 * Sends one message with node-hl7-client's MLLP client (the sender hospitals' tooling resembles)
 * and resolves with the ACK text. node-hl7-client delivers the ACK to the connection callback,
 * not to sendMessage's promise, and must be used one message at a time (stack notes).
 */
export async function sendWithReferenceClient(o: ReferenceSendOptions): Promise<string> {
  // Loaded on first use: importing node-hl7-client costs about 125 MB of RSS, and every service
  // imports this lib while only demos and tests send with it.
  const { Client, Message } = await import('node-hl7-client');
  const version = readHeader(parseHl7(o.message)).version || '2.5';
  const client = new Client({ host: o.host, version } as ConstructorParameters<typeof Hl7Client>[0] & object);
  let settle: (ack: string) => void = () => undefined;
  const ack = new Promise<string>((resolveAck) => {
    settle = resolveAck;
  });
  const connection = client.createConnection({ port: o.port, waitAck: true, version } as Parameters<typeof client.createConnection>[0], async (res) => {
    settle(res.getMessage().toString());
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await connection.sendMessage(new Message({ text: o.message }));
    return await Promise.race([
      ack,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ACK within ${o.timeoutMs ?? 10000} ms`)), o.timeoutMs ?? 10000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await connection.close().catch(() => undefined);
    client.closeAll();
  }
}
