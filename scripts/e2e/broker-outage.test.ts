import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
  ingest = spawnService('ingest', { ...serviceEnv('ingest', { kafkaBrokers: broker.address, mllpPort }), CONDUIT_KAFKA_WRITE_TIMEOUT_MS: '3000' }, join(logDir, 'ingest-outage.log'));
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

test('ingest never answers AA for a message it could not store, and stores it after recovery', async () => {
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
    // The sender retries as an EHR interface would until the engine takes the message again.
    let accepted: ReturnType<typeof ackOf> | undefined;
    for (let attempt = 0; attempt < 10 && accepted?.code !== 'AA'; attempt++) {
      accepted = ackOf(await client.send(during.message));
      if (accepted.code !== 'AA') assert.equal(accepted.error, 'CDT_KAFKA_WRITE_FAILED');
    }
    assert.equal(accepted?.code, 'AA');

    const kafka = createKafkaClient({ brokers: [broker.address], clientId: 'outage-reader', logger: createLogger({ name: 'reader', level: 'silent' }) });
    const stored = await readTopicUntil(kafka, Topics.raw, (seen) => seen.some((r) => r.headers.eventId === during.eventId), 30000);
    assert.ok(stored.filter((r) => r.headers.eventId === during.eventId).length >= 1, 'the re-sent message is in the raw topic');
  } finally {
    client.close();
  }
});
