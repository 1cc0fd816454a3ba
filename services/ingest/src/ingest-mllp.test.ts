import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMllpFrame, parseHl7, sendWithReferenceClient } from '@conduit/hl7v2';
import { metricValue } from '@conduit/metrics';
import { MllpClient } from '@conduit/mllp';
import { SEEDED_PHI } from '../../../scripts/lib/phi-scan.ts';
import { adt, readAck, startIngest, type IngestUnderTest } from './ingest-harness.ts';

// Real MLLP connections to an in-process ingest writing to the real broker and Redis.
let ingest: IngestUnderTest;
/** Event ids that must be in the raw topic exactly once when the file is done. */
const stored = new Set<string>();
let main: number;

before(async () => {
  ingest = await startIngest({
    listeners: [
      {
        name: 'main', host: '127.0.0.1', port: 0, maxFrameBytes: 65536,
        allowedFacilities: ['GOODHEALTH'],
        validation: { processingIds: ['P'], unknownZSegments: 'reject', knownZSegments: ['ZPI'] },
      },
      // Same engine, other settings: only a network the tests do not come from.
      { name: 'partners', host: '127.0.0.1', port: 0, allowedSources: ['10.9.0.0/16'] },
      // The largest frames a listener may take.
      { name: 'large', host: '127.0.0.1', port: 0, maxFrameBytes: 9437184 },
    ],
  });
  main = ingest.port('main');
});

after(async () => {
  await ingest?.stop();
});

test('AA after the write: node-hl7-client gets AA and the message is in the raw topic with its receipt', async () => {
  const m = adt();
  const ack = readAck(await sendWithReferenceClient({ host: '127.0.0.1', port: main, message: m.text }));
  assert.deepEqual(ack, { code: 'AA', controlId: m.controlId, error: '', location: '' });
  stored.add(m.eventId);
  const record = (await ingest.records()).find((r) => r.record.headers.eventId === m.eventId);
  assert.ok(record, 'stored before AA was sent');
  // node-hl7-client drops the last segment's terminator on the wire; the rest is as sent.
  assert.equal(record.value.hl7, m.text.slice(0, -1));
  assert.equal(record.value.listener, 'main');
  assert.equal(record.value.transport, 'mllp');
  assert.deepEqual(record.value.peer, { address: '127.0.0.1' });
  assert.equal(record.value.charset, 'ASCII');
  assert.deepEqual([record.value.header.messageCode, record.value.header.triggerEvent, record.value.header.controlId], ['ADT', 'A01', m.controlId]);
  assert.equal(record.record.headers.sourceListener, 'main');
  assert.match(record.record.key ?? '', /^[A-Za-z0-9_-]{40,}$/, 'the key is a keyed hash (HMAC, base64url)');
  assert.equal(record.record.key?.includes('MRN78123456'), false);
});

test('content errors are answered AE with an ERR segment naming the code and location; nothing is stored', async () => {
  const noName = adt({ name: '' });
  const viaReference = await sendWithReferenceClient({ host: '127.0.0.1', port: main, message: noName.text });
  assert.deepEqual(readAck(viaReference), { code: 'AE', controlId: noName.controlId, error: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: 'PID^1^5' });
  const err = parseHl7(viaReference).segment('ERR')!;
  assert.deepEqual([err.get(3, 1, 1), err.get(3, 1, 3), err.get(4), err.get(5, 1, 3)], ['101', 'HL70357', 'E', '99CDT'], 'ERR-3 HL7 0357 code, ERR-4 severity, ERR-5 our coding system');
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const zsegment = adt({ extra: ['ZXY|1|x'] });
  assert.deepEqual(readAck(await client.send(zsegment.text)), { code: 'AE', controlId: zsegment.controlId, error: 'CDT_HL7_UNKNOWN_Z_SEGMENT', location: 'ZXY^1' });
  const known = adt({ extra: ['ZPI|1|x'] });
  assert.equal(readAck(await client.send(known.text)).code, 'AA', 'a Z-segment agreed for the listener is passed on');
  stored.add(known.eventId);
  assert.deepEqual(readAck(await client.send('PID|not a message')), { code: 'AE', controlId: '', error: 'CDT_HL7_NOT_HL7', location: '' });
  client.close();
});

test('messages this listener will not take are answered AR: facility, processing id, message type, source address', async () => {
  const facility = adt({ facility: 'ELSEWHERE' });
  assert.deepEqual(readAck(await sendWithReferenceClient({ host: '127.0.0.1', port: main, message: facility.text })), { code: 'AR', controlId: facility.controlId, error: 'CDT_INGEST_FACILITY_NOT_ALLOWED', location: 'MSH^1^4^^1' });
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const training = adt({ processingId: 'T' });
  assert.deepEqual(readAck(await client.send(training.text)), { code: 'AR', controlId: training.controlId, error: 'CDT_HL7_UNSUPPORTED_PROCESSING_ID', location: 'MSH^1^11' });
  const scheduling = adt({ type: 'SIU^S12^SIU_S12' });
  assert.deepEqual(readAck(await client.send(scheduling.text)), { code: 'AR', controlId: scheduling.controlId, error: 'CDT_HL7_UNSUPPORTED_MESSAGE_TYPE', location: 'MSH^1^9^^1' });
  client.close();
  const partner = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('partners') });
  const m = adt();
  assert.deepEqual(readAck(await partner.send(m.text)), { code: 'AR', controlId: m.controlId, error: 'CDT_INGEST_SOURCE_NOT_ALLOWED', location: '' });
  partner.close();
});

test('enhanced mode: CA only after the write, then the application ACK as MSH-16 asks', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const both = adt({ acceptAck: 'AL', applicationAck: 'AL' });
  const [accept, application] = await Promise.all(client.sendRaw(encodeMllpFrame(both.text), 2));
  assert.deepEqual(readAck(accept!), { code: 'CA', controlId: both.controlId, error: '', location: '' });
  assert.deepEqual(readAck(application!), { code: 'AA', controlId: both.controlId, error: '', location: '' });
  stored.add(both.eventId);
  // NE/ER on success: nothing comes back, so the next answer on the link is the next message's.
  const silent = adt({ acceptAck: 'NE', applicationAck: 'ER' });
  client.sendRaw(encodeMllpFrame(silent.text), 0);
  stored.add(silent.eventId);
  const refused = adt({ acceptAck: 'AL', applicationAck: 'NE', name: '' });
  assert.deepEqual(readAck(await client.send(refused.text)), { code: 'CE', controlId: refused.controlId, error: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: 'PID^1^5' });
  // The sender acknowledging our application ACK is not answered (ACKs of ACKs would loop).
  client.sendRaw(encodeMllpFrame(`MSH|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122083000||ACK^A01^ACK|X1|P|2.5.1\rMSA|CA|${both.controlId}\r`), 0);
  const last = adt();
  assert.equal(readAck(await client.send(last.text)).controlId, last.controlId);
  stored.add(last.eventId);
  client.close();
});

test('duplicates: a resend is acknowledged again and not published twice, also when both copies arrive at once', async () => {
  const m = adt();
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  assert.equal(readAck(await client.send(m.text)).code, 'AA');
  assert.equal(readAck(await client.send(m.text)).code, 'AA', 'the ACK was lost: the resend is answered AA');
  stored.add(m.eventId);
  const reused = adt({ controlId: m.controlId, name: 'OTHER^PERSON' });
  assert.deepEqual(readAck(await client.send(reused.text)), { code: 'AE', controlId: m.controlId, error: 'CDT_INGEST_CONTROL_ID_REUSED', location: 'MSH^1^10' });

  const twin = adt();
  const other = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const acks = await Promise.all([client.send(twin.text), other.send(twin.text)]);
  assert.deepEqual(acks.map((a) => readAck(a).code), ['AA', 'AA']);
  stored.add(twin.eventId);
  client.close();
  other.close();
});

test('frames split across TCP chunks and coalesced into one chunk, with noise between them', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const [a, b, c] = [adt(), adt(), adt()];
  const frameA = encodeMllpFrame(a.text);
  const acks = client.sendRaw(frameA.subarray(0, 40), 1);
  await new Promise((r) => setTimeout(r, 20));
  client.sendRaw(Buffer.concat([frameA.subarray(40), Buffer.from('\r\n'), encodeMllpFrame(b.text), encodeMllpFrame(c.text)]), 0);
  acks.push(...client.sendRaw(Buffer.alloc(0), 2));
  assert.deepEqual((await Promise.all(acks)).map((t) => [readAck(t).code, readAck(t).controlId]), [['AA', a.controlId], ['AA', b.controlId], ['AA', c.controlId]]);
  for (const m of [a, b, c]) stored.add(m.eventId);
  client.close();
});

test('an oversized frame is answered AR CDT_MLLP_FRAME_TOO_LARGE and the connection stays usable', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  const huge = adt({ extra: [`OBX|1|TX|x||${'y'.repeat(70000)}`] });
  assert.deepEqual(readAck(await client.send(huge.text)), { code: 'AR', controlId: '', error: 'CDT_MLLP_FRAME_TOO_LARGE', location: '' });
  const next = adt();
  assert.equal(readAck(await client.send(next.text)).code, 'AA');
  stored.add(next.eventId);
  client.close();
});

test('a message over the raw topic limit once stored is answered AR CDT_INGEST_MESSAGE_TOO_LARGE, not asked to be resent', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: ingest.port('large') });
  // A frame under 9 MiB, 1.3 MB of it quotes: JSON escapes each, taking the raw record past 10 MiB.
  const quoted = adt({ extra: [`OBX|1|TX|x||${'"'.repeat(1_300_000)}${'y'.repeat(7_900_000)}||||||F`] });
  assert.deepEqual(readAck(await client.send(quoted.text)), { code: 'AR', controlId: quoted.controlId, error: 'CDT_INGEST_MESSAGE_TOO_LARGE', location: '' });
  // A resend is refused the same way: nothing was claimed or stored for it.
  assert.equal(readAck(await client.send(quoted.text)).error, 'CDT_INGEST_MESSAGE_TOO_LARGE');
  client.close();
});

test('8859/1 messages are decoded as declared and stored as text', async () => {
  const m = adt({ charset: '8859/1', name: 'MÜLLER^JÖRG' });
  const client = await MllpClient.connect({ host: '127.0.0.1', port: main });
  assert.equal(readAck(await client.send(Buffer.from(m.text, 'latin1'))).code, 'AA');
  stored.add(m.eventId);
  client.close();
  const record = (await ingest.records()).find((r) => r.record.headers.eventId === m.eventId);
  assert.equal(record?.value.charset, '8859/1');
  assert.equal(record?.value.hl7.includes('MÜLLER^JÖRG'), true);
});

test('every accepted message is in the raw topic exactly once, and nothing else is', async () => {
  const records = await ingest.records();
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.record.headers.eventId ?? '', (counts.get(r.record.headers.eventId ?? '') ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort(), [...stored].sort());
  assert.deepEqual([...counts.values()].filter((n) => n !== 1), []);
});

test('metrics per listener: received, accepted, rejected by code and type, ACK latency, connections, skipped bytes', async () => {
  const text = await ingest.metrics();
  assert.equal(metricValue(text, 'conduit_ingest_messages_accepted_total', { listener: 'main', message_type: 'ADT^A01', duplicate: 'false' }), stored.size);
  assert.equal(metricValue(text, 'conduit_ingest_messages_accepted_total', { listener: 'main', message_type: 'ADT^A01', duplicate: 'true' }), 2);
  assert.equal(metricValue(text, 'conduit_ingest_messages_rejected_total', { listener: 'main', code: 'CDT_INGEST_FACILITY_NOT_ALLOWED', message_type: 'ADT^A01' }), 1);
  assert.equal(metricValue(text, 'conduit_ingest_messages_rejected_total', { listener: 'main', code: 'CDT_MLLP_FRAME_TOO_LARGE', message_type: 'unknown' }), 1);
  assert.equal(metricValue(text, 'conduit_ingest_messages_rejected_total', { listener: 'main', code: 'CDT_HL7_UNSUPPORTED_MESSAGE_TYPE', message_type: 'SIU^S12' }), 1);
  assert.equal(metricValue(text, 'conduit_ingest_messages_rejected_total', { listener: 'partners', code: 'CDT_INGEST_SOURCE_NOT_ALLOWED', message_type: 'ADT^A01' }), 1);
  assert.equal(metricValue(text, 'conduit_ingest_messages_rejected_total', { listener: 'large', code: 'CDT_INGEST_MESSAGE_TOO_LARGE', message_type: 'ADT^A01' }), 2);
  assert.equal(metricValue(text, 'conduit_ingest_mllp_skipped_bytes_total', { listener: 'main' }), 2);
  assert.equal(metricValue(text, 'conduit_ingest_open_connections', { listener: 'partners' }), 0);
  assert.equal(metricValue(text, 'conduit_ingest_ack_latency_seconds_count', { listener: 'main', outcome: 'stored' }), stored.size);
  assert.equal(metricValue(text, 'conduit_ingest_ack_latency_seconds_bucket', { listener: 'main', outcome: 'stored', le: '+Inf' }), stored.size);
  assert.equal(metricValue(text, 'conduit_ingest_messages_received_total', { listener: 'main', transport: 'mllp' }), 24);
});

test('the logs carry correlation ids and hold none of the seeded PHI', () => {
  const text = ingest.logs.join('');
  assert.ok(ingest.logs.length > 10);
  assert.match(text, /"correlationId":"[0-9a-f-]{36}"/);
  for (const phi of [...SEEDED_PHI, 'MÜLLER', 'OTHER^PERSON']) assert.equal(text.includes(phi), false, `a seeded value of ${phi.length} characters is in the logs`);
});
