import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, readTopicUntil } from '@conduit/bus';
import { Topics } from '@conduit/events';
import { parseHl7 } from '@conduit/hl7v2';
import { createLogger } from '@conduit/log';
import { MllpClient } from '@conduit/mllp';
import { createLocalBroker, type LocalBroker } from '../lib/kafka-broker.ts';
import { provisionDeclaredTopics } from '../lib/provision.ts';
import { serviceEnv } from '../lib/service-env.ts';
import { spawnService, type ServiceProcess } from '../lib/service-process.ts';
import { waitForPort } from '../lib/wait-port.ts';
import { demoAdtA01 } from './fixtures.ts';
import { getFreePort } from './free-port.ts';

// A broker of this test's own: stopping the shared test broker would fail every other test.
let broker: LocalBroker;
let ingest: ServiceProcess;
let dir: string;
let mllpPort: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conduit-outage-'));
  const port = await getFreePort();
  broker = createLocalBroker({ dir, port, controllerPort: await getFreePort() });
  await broker.start();
  await provisionDeclaredTopics(broker.address);
  mllpPort = await getFreePort();
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? dir;
  ingest = spawnService('ingest', {
    ...serviceEnv('ingest', { kafkaBrokers: broker.address, mllpPort }),
    CONDUIT_KAFKA_WRITE_TIMEOUT_MS: '3000',
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    CONDUIT_DEDUPE_PREFIX: `test:${randomUUID().slice(0, 8)}:dedupe`,
  }, join(logDir, 'ingest-outage.log'));
  await waitForPort('127.0.0.1', mllpPort, 30000);
});

after(async () => {
  await ingest?.stop();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function ackOf(text: string) {
  const ack = parseHl7(text);
  return { code: ack.segment('MSA')?.get(1), controlId: ack.segment('MSA')?.get(2), error: ack.segment('ERR')?.get(5, 1, 1) };
}

test('ingest never answers AA for a message it could not store, and stores the re-sent message once after recovery', async () => {
  const client = await MllpClient.connect({ host: '127.0.0.1', port: mllpPort });
  try {
    const first = demoAdtA01();
    assert.deepEqual(ackOf(await client.send(first.message)), { code: 'AA', controlId: first.controlId, error: undefined });

    await broker.stop();
    const during = demoAdtA01();
    const refused = ackOf(await client.send(during.message));
    assert.equal(refused.code, 'AE');
    assert.equal(refused.controlId, during.controlId);
    assert.equal(refused.error, 'CDT_KAFKA_WRITE_FAILED');

    await broker.start();
    // The sender resends, as an EHR interface does, until the engine takes the message. Until then
    // every answer is a temporary failure: the write failed, or an earlier copy is still settling
    // (kafkajs may still be retrying the write that timed out; it must not be published twice).
    const deadline = Date.now() + 90000;
    const answers: string[] = [];
    let accepted: ReturnType<typeof ackOf> | undefined;
    while (accepted?.code !== 'AA' && Date.now() < deadline) {
      accepted = ackOf(await client.send(during.message));
      answers.push(accepted.error ?? accepted.code ?? '?');
      if (accepted.code !== 'AA') {
        assert.equal(accepted.code, 'AE');
        assert.ok(['CDT_KAFKA_WRITE_FAILED', 'CDT_INGEST_DUPLICATE_IN_FLIGHT'].includes(accepted.error ?? ''), `temporary failure code, got ${accepted.error}`);
      }
    }
    assert.equal(accepted?.code, 'AA', `answers while recovering: ${answers.join(', ')}`);
    // The ACK of the stored copy was lost: this resend must be answered AA without a second record.
    assert.equal(ackOf(await client.send(during.message)).code, 'AA');

    const kafka = createKafkaClient({ brokers: [broker.address], clientId: 'outage-reader', logger: createLogger({ name: 'reader', level: 'silent' }) });
    const admin = kafka.admin();
    await admin.connect();
    const total = (await admin.fetchTopicOffsets(Topics.raw)).reduce((n, o) => n + Number(o.high), 0);
    await admin.disconnect();
    const stored = await readTopicUntil(kafka, Topics.raw, (seen) => seen.length >= total, 30000);
    assert.equal(stored.length, total);
    assert.equal(stored.filter((r) => r.headers.eventId === during.eventId).length, 1, 'the re-sent message is in the raw topic exactly once');
    assert.equal(stored.filter((r) => r.headers.eventId === first.eventId).length, 1);
  } finally {
    client.close();
  }
});

test('a write that times out but lands later is answered AE first, then AA for the resend, and stored once', async () => {
  const { pid } = await broker.status();
  assert.ok(pid, 'the test broker runs');
  const client = await MllpClient.connect({ host: '127.0.0.1', port: mllpPort });
  const m = demoAdtA01();
  try {
    // A frozen broker (not a dead one): the produce request sits in its socket and is written when
    // it thaws, after ingest already told the sender the write failed.
    process.kill(pid, 'SIGSTOP');
    try {
      // A group stop of a many-threaded JVM is not instant; the kernel reports when it is done.
      const stoppedBy = Date.now() + 5000;
      while (!/^State:\s+T/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) {
        assert.ok(Date.now() < stoppedBy, 'the broker stopped');
        await new Promise((r) => setTimeout(r, 5));
      }
      const timedOut = ackOf(await client.send(m.message));
      assert.deepEqual([timedOut.code, timedOut.error], ['AE', 'CDT_KAFKA_WRITE_FAILED']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const answers: string[] = [];
    const deadline = Date.now() + 60000;
    let code: string | undefined;
    while (code !== 'AA' && Date.now() < deadline) {
      const a = ackOf(await client.send(m.message));
      code = a.code;
      answers.push(a.error ?? a.code ?? '?');
    }
    assert.equal(code, 'AA', `answers after the thaw: ${answers.join(', ')}`);
  } finally {
    client.close();
  }
  const kafka = createKafkaClient({ brokers: [broker.address], clientId: 'outage-reader', logger: createLogger({ name: 'reader', level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(Topics.raw)).reduce((n, o) => n + Number(o.high), 0);
  await admin.disconnect();
  const stored = await readTopicUntil(kafka, Topics.raw, (seen) => seen.length >= total, 30000);
  assert.equal(stored.filter((r) => r.headers.eventId === m.eventId).length, 1, 'the late write and the resend are one record');
});
