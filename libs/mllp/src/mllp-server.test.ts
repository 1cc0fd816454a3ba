import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { encodeMllpFrame } from '@conduit/hl7v2';
import { createLogger } from '@conduit/log';
import { MllpClient, createTestPki, startMllpServer, type MllpConnectionInfo, type MllpReply, type MllpServerOptions, type TestPki } from './index.ts';

const logger = createLogger({ name: 'mllp-test', level: 'silent' });
let pki: TestPki;
before(() => {
  pki = createTestPki();
});
after(() => pki?.remove());

/** An echo listener: answers each frame with "ACK:<payload>"; its hooks record what happened. */
async function listen(overrides: Partial<MllpServerOptions> = {}) {
  const seen = { skipped: 0, oversized: [] as number[], refused: [] as string[], connections: [] as MllpConnectionInfo[], open: [] as number[] };
  const server = await startMllpServer({
    name: 'test',
    host: '127.0.0.1',
    port: 0,
    maxFrameBytes: 1024,
    idleTimeoutMs: 60000,
    maxConnections: 8,
    logger,
    onMessage: async (payload, connection) => {
      seen.connections.push(connection);
      return { frames: [`ACK:${payload.toString('utf8')}`] };
    },
    onOversized: (bytes) => {
      seen.oversized.push(bytes);
      return { frames: ['TOO-LARGE'] };
    },
    onSkippedBytes: (n) => (seen.skipped += n),
    onRefused: (reason) => seen.refused.push(reason),
    onConnectionChange: (open) => seen.open.push(open),
    ...overrides,
  });
  return { server, seen };
}

test('frames split across chunks and coalesced in one chunk are each answered, in order', async () => {
  const { server, seen } = await listen();
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  const frame = encodeMllpFrame('MSH|split');
  const acks = [...client.sendRaw(frame.subarray(0, 3), 1)];
  await new Promise((r) => setTimeout(r, 20));
  client.sendRaw(frame.subarray(3, frame.length - 1), 0);
  await new Promise((r) => setTimeout(r, 20));
  client.sendRaw(Buffer.concat([frame.subarray(frame.length - 1), encodeMllpFrame('A'), encodeMllpFrame('B'), encodeMllpFrame('C')]), 0);
  acks.push(...client.sendRaw(Buffer.alloc(0), 3));
  assert.deepEqual(await Promise.all(acks), ['ACK:MSH|split', 'ACK:A', 'ACK:B', 'ACK:C']);
  assert.equal(seen.skipped, 0);
  client.close();
  await server.close();
});

test('bytes outside frames are skipped and counted', async () => {
  const { server, seen } = await listen();
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  const [ack] = client.sendRaw(Buffer.concat([Buffer.from('\r\nnoise'), encodeMllpFrame('X'), Buffer.from('\n')]), 1);
  assert.equal(await ack, 'ACK:X');
  const [ack2] = client.sendRaw(encodeMllpFrame('Y'), 1);
  assert.equal(await ack2, 'ACK:Y');
  assert.equal(seen.skipped, 8);
  client.close();
  await server.close();
});

test('an oversized frame is answered with the refusal and the connection stays usable', async () => {
  const { server, seen } = await listen();
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  const big = 'x'.repeat(5000);
  assert.equal(await client.send(big), 'TOO-LARGE');
  assert.equal(await client.send('small'), 'ACK:small');
  assert.deepEqual(seen.oversized, [5000]);
  client.close();
  await server.close();
});

test('frames of one connection are handled one at a time: the socket is not read while one is pending', async () => {
  let release: () => void = () => undefined;
  const order: string[] = [];
  const { server } = await listen({
    onMessage: async (payload) => {
      const text = payload.toString();
      order.push(`start ${text}`);
      if (text === '1') await new Promise<void>((r) => (release = r));
      order.push(`end ${text}`);
      return { frames: [`ACK:${text}`] };
    },
  });
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  const acks = client.sendRaw(Buffer.concat([encodeMllpFrame('1'), encodeMllpFrame('2')]), 2);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(order, ['start 1']);
  release();
  assert.deepEqual(await Promise.all(acks), ['ACK:1', 'ACK:2']);
  assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2']);
  client.close();
  await server.close();
});

test('a reply may hold several frames, none, or close the connection', async () => {
  const replies: Record<string, MllpReply> = { two: { frames: ['CA', 'AA'] }, none: { frames: [] }, close: { frames: [], close: true } };
  const { server } = await listen({ onMessage: async (p) => replies[p.toString()] ?? { frames: [`ACK:${p.toString()}`] } });
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  assert.deepEqual(await Promise.all(client.sendRaw(encodeMllpFrame('two'), 2)), ['CA', 'AA']);
  client.sendRaw(encodeMllpFrame('none'), 0);
  assert.equal(await client.send('next'), 'ACK:next', 'no frame was sent for "none"');
  client.sendRaw(encodeMllpFrame('close'), 0);
  await client.closed();
  await server.close();
});

test('idle connections are closed; a connection cap refuses the extra connection', async () => {
  const { server, seen } = await listen({ idleTimeoutMs: 100, maxConnections: 1 });
  const first = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  const second = connect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((r) => second.once('close', () => r()));
  assert.deepEqual(seen.refused, ['max-connections']);
  const started = Date.now();
  await first.closed();
  assert.ok(Date.now() - started < 2000);
  await server.close();
  assert.deepEqual(seen.open, [1, 0]);
});

test('TLS: plain TCP and TLS 1.1 are refused; without client certificates any TLS 1.2+ client is served', async () => {
  const { server, seen } = await listen({ tls: { key: pki.server.key, cert: pki.server.cert } });
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ca: pki.ca.cert, servername: 'localhost' } });
  assert.equal(await client.send('hello'), 'ACK:hello');
  assert.equal(seen.connections[0]?.tls, true);
  assert.equal(seen.connections[0]?.certificateSubject, undefined);
  client.close();
  await assert.rejects(MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ca: pki.ca.cert, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' } }));
  const plain = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
  await assert.rejects(plain.send('hello'), 'a plain MLLP frame is not a TLS handshake');
  assert.equal(seen.connections.length, 1);
  await server.close();
});

test('mTLS required: a verified client certificate is served and its subject recorded; none or a rogue one is refused', async () => {
  const { server, seen } = await listen({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert }, clientCertificate: 'required' });
  const tls = { ca: pki.ca.cert, servername: 'localhost' };
  const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ...tls, key: pki.client.key, cert: pki.client.cert } });
  assert.equal(await client.send('hello'), 'ACK:hello');
  assert.equal(seen.connections[0]?.certificateSubject, 'O=Good Health,CN=ehr-feed');
  client.close();
  for (const identity of [{}, { key: pki.rogueClient.key, cert: pki.rogueClient.cert }]) {
    // TLS 1.3 reports the refusal after the client's handshake completed: on the first read.
    await assert.rejects(async () => {
      const c = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ...tls, ...identity } });
      try {
        await c.send('x');
      } finally {
        c.close();
      }
    });
  }
  assert.equal(seen.connections.length, 1, 'no frame of a refused client reached the handler');
  assert.deepEqual(seen.refused, ['tls-handshake', 'tls-handshake']);
  await server.close();
});

test('mTLS optional: clients without a certificate are served, a presented certificate must verify', async () => {
  const { server, seen } = await listen({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert }, clientCertificate: 'optional' });
  const tls = { ca: pki.ca.cert, servername: 'localhost' };
  const anonymous = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls });
  assert.equal(await anonymous.send('a'), 'ACK:a');
  anonymous.close();
  const known = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ...tls, key: pki.client.key, cert: pki.client.cert } });
  assert.equal(await known.send('b'), 'ACK:b');
  known.close();
  await assert.rejects(async () => {
    const c = await MllpClient.connect({ host: '127.0.0.1', port: server.port, tls: { ...tls, key: pki.rogueClient.key, cert: pki.rogueClient.cert } });
    try {
      await c.send('x');
    } finally {
      c.close();
    }
  });
  assert.deepEqual(seen.connections.map((c) => c.certificateSubject), [undefined, 'O=Good Health,CN=ehr-feed']);
  assert.deepEqual(seen.refused, ['client-certificate']);
  await server.close();
});
