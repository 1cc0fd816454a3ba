import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, parseBrokerList, readTopicUntil, startGroupAt, topicEnds, type ReadRecord } from '@conduit/bus';
import { Topics } from '@conduit/events';
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
 * to this run so tests do not steal each other's records. The groups and the test's reads start
 * where Conduit's topics end when the pipeline starts: a development broker holds earlier runs'
 * records (benchmarks leave thousands), and a run reads only its own.
 */
export async function startPipeline(options: { only?: readonly ServiceName[]; env?: Partial<Record<ServiceName, Record<string, string>>> } = {}): Promise<Pipeline> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? mkdtempSync(join(tmpdir(), 'conduit-logs-'));
  const mllpPort = await getFreePort();
  const run = randomUUID().slice(0, 8);
  const kafka = createKafkaClient({ brokers: parseBrokerList(kafkaBrokers), clientId: 'conduit-test-reader', logger: createLogger({ name: 'test-reader', level: 'silent' }) });
  const ends = await topicEnds(kafka, await conduitTopics(kafka));
  const envs = (options.only ?? serviceNames).map((name) => ({ name, env: { ...serviceEnv(name, { kafkaBrokers, mllpPort, groupPrefix: `test-${run}` }), ...(options.env?.[name] ?? {}) } }));
  // Committing a start for a group joins it once (kafkajs), ~5 s: one topic per group, in parallel.
  await Promise.all(envs.map(({ name, env }) => {
    const input = STAGE_INPUTS[name];
    const groupId = env['CONDUIT_GROUP_ID'];
    return input && groupId && ends.has(input) ? startGroupAt(kafka, groupId, new Map([[input, ends.get(input)!]])) : undefined;
  }));
  const services = envs.map(({ name, env }) => spawnService(name, env, join(logDir, `${name}-${run}.log`)));
  if (services.some((s) => s.name === 'ingest')) await waitForPort('127.0.0.1', mllpPort, 30000);
  return {
    mllpPort,
    services,
    logDir,
    kafka,
    read: (topic, done, timeoutMs = 60000) => readTopicUntil(kafka, topic, done, timeoutMs, ends.get(topic)),
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}

/** The topic each stage consumes (its service's main.ts subscribes to it). */
const STAGE_INPUTS: Partial<Record<ServiceName, string>> = { normalize: Topics.raw, project: Topics.canonical, fanout: Topics.projected };

async function conduitTopics(kafka: ReturnType<typeof createKafkaClient>): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith('conduit.'));
  } finally {
    await admin.disconnect();
  }
}

export { localDir };
