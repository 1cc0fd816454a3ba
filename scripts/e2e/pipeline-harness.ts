import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, parseBrokerList, readTopicUntil, type ReadRecord } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { localDir } from '../lib/paths.ts';
import { serviceEnv } from '../lib/service-env.ts';
import { serviceNames, spawnService, type ServiceName, type ServiceProcess } from '../lib/service-process.ts';
import { waitForPort } from '../lib/wait-port.ts';
import { getFreePort } from './free-port.ts';

export interface Pipeline {
  readonly mllpPort: number;
  readonly services: readonly ServiceProcess[];
  readonly logDir: string;
  readonly kafka: ReturnType<typeof createKafkaClient>;
  read(topic: string, done: (seen: readonly ReadRecord[]) => boolean, timeoutMs?: number): Promise<ReadRecord[]>;
  stop(): Promise<void>;
}

/**
 * Starts the services as separate processes against the test broker, with consumer groups unique
 * to this run so tests do not steal each other's records.
 */
export async function startPipeline(options: { only?: readonly ServiceName[]; env?: Partial<Record<ServiceName, Record<string, string>>> } = {}): Promise<Pipeline> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? mkdtempSync(join(tmpdir(), 'conduit-logs-'));
  const mllpPort = await getFreePort();
  const run = randomUUID().slice(0, 8);
  const services = (options.only ?? serviceNames).map((name) =>
    spawnService(name, { ...serviceEnv(name, { kafkaBrokers, mllpPort, groupPrefix: `test-${run}` }), ...(options.env?.[name] ?? {}) }, join(logDir, `${name}-${run}.log`)),
  );
  if (services.some((s) => s.name === 'ingest')) await waitForPort('127.0.0.1', mllpPort, 30000);
  const kafka = createKafkaClient({ brokers: parseBrokerList(kafkaBrokers), clientId: 'conduit-test-reader', logger: createLogger({ name: 'test-reader', level: 'silent' }) });
  return {
    mllpPort,
    services,
    logDir,
    kafka,
    read: (topic, done, timeoutMs = 60000) => readTopicUntil(kafka, topic, done, timeoutMs),
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}

export { localDir };
