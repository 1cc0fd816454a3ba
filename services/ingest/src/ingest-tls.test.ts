import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MllpClient, createTestPki, type TestPki } from '@conduit/mllp';
import { adt, readAck, startIngest, type IngestUnderTest } from './ingest-harness.ts';

// Certificates are made with openssl at test time into a temp folder (no key is committed).
let pki: TestPki;
let ingest: IngestUnderTest;

before(async () => {
  pki = createTestPki();
  const tls = { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile };
  ingest = await startIngest({
    listeners: [
      { name: 'mtls', host: '127.0.0.1', port: 0, tls: { ...tls, clientCertificate: 'required' } },
      { name: 'tls', host: '127.0.0.1', port: 0, tls: { certFile: tls.certFile, keyFile: tls.keyFile } },
    ],
  });
});

after(async () => {
  await ingest?.stop();
  pki?.remove();
});

const trust = () => ({ ca: pki.ca.cert, servername: 'localhost' });

test('mTLS: a client with a certificate from the trusted CA gets AA, and its subject is recorded with the message', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('mtls'), tls: { ...trust(), key: pki.client.key, cert: pki.client.cert } });
  const m = adt();
  assert.deepEqual(readAck(await client.send(m.text)), { code: 'AA', controlId: m.controlId, error: '', location: '' });
  client.close();
  const record = (await ingest.records()).find((r) => r.record.headers.eventId === m.eventId);
  assert.equal(record?.value.transport, 'mllp-tls');
  assert.deepEqual(record?.value.peer, { address: '127.0.0.1', certificateSubject: 'O=Good Health,CN=ehr-feed' });
});

test('mTLS: clients without a certificate, or with one from another CA, are refused before any message is read', async () => {
  for (const identity of [{}, { key: pki.rogueClient.key, cert: pki.rogueClient.cert }]) {
    await assert.rejects(async () => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('mtls'), tls: { ...trust(), ...identity } });
      try {
        await client.send(adt().text);
      } finally {
        client.close();
      }
    });
  }
  const text = await ingest.metrics();
  assert.match(text, /conduit_ingest_connections_refused_total\{listener="mtls",reason="tls-handshake"[^}]*\} 2/);
});

test('TLS without client certificates: any TLS 1.2+ client is served; plain TCP gets nothing', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('tls'), tls: trust() });
  const m = adt();
  assert.equal(readAck(await client.send(m.text)).code, 'AA');
  client.close();
  const plain = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('tls') });
  await assert.rejects(plain.send(adt().text));
  const records = await ingest.records();
  assert.deepEqual(records.map((r) => [r.value.listener, r.value.peer?.certificateSubject]).sort(), [['mtls', 'O=Good Health,CN=ehr-feed'], ['tls', undefined]]);
});
