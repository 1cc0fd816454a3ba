import type { DestinationStream } from 'pino';
import { parseConfig, readSecret, type Env } from '@conduit/config';
import { createCommitPublisher, createKafkaClient, parseBrokerList } from '@conduit/bus';
import { serveMetrics } from '@conduit/http';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { createMetricsRegistry } from '@conduit/metrics';
import { createDedupeStore } from '@conduit/queue/dedupe';
import configSchema from '../../../schemas/config/ingest.schema.json' with { type: 'json' };
import { startHttpListener } from './http-listener.ts';
import { createIngestMetrics } from './ingest-metrics.ts';
import { createIntake } from './intake.ts';
import { loadListeners, type SingleListenerEnv } from './listener-config.ts';
import { startMllpListener } from './mllp-listener.ts';

interface IngestConfig extends SingleListenerEnv {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_LISTENERS_FILE?: string;
  readonly CONDUIT_KAFKA_WRITE_TIMEOUT_MS: number;
  readonly CONDUIT_RAW_TOPIC: string;
  readonly REDIS_URL: string;
  readonly CONDUIT_DEDUPE_WINDOW_SECONDS: number;
  readonly CONDUIT_DEDUPE_PREFIX: string;
  readonly CONDUIT_METRICS_HOST: string;
  readonly CONDUIT_METRICS_PORT?: number;
}

export interface IngestService {
  /** Bound ports by listener name (port 0 in the configuration gets an ephemeral one). */
  readonly ports: ReadonlyMap<string, number>;
  /** The first MLLP listener's port. */
  readonly mllpPort: number;
  readonly metricsPort?: number;
  readonly logger: ConduitLogger;
  stop(): Promise<void>;
}

export interface IngestOptions {
  /** Where logs go (default stdout); tests capture them to scan for PHI. */
  readonly logDestination?: DestinationStream;
}

export async function main(env: Env = process.env, options: IngestOptions = {}): Promise<IngestService> {
  const config = parseConfig<IngestConfig>(configSchema, env);
  const patientKeySecret = readSecret(env, 'CONDUIT_PATIENT_KEY');
  const logger = createLogger({ name: 'ingest', level: config.CONDUIT_LOG_LEVEL, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const listeners = loadListeners(config.CONDUIT_LISTENERS_FILE, config, env);
  const writeTimeoutMs = config.CONDUIT_KAFKA_WRITE_TIMEOUT_MS;

  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-ingest', logger, retryBudgetMs: writeTimeoutMs });
  const publisher = await createCommitPublisher(kafka, { deadlineMs: writeTimeoutMs });
  const dedupe = config.CONDUIT_DEDUPE_WINDOW_SECONDS > 0
    ? createDedupeStore({
        url: config.REDIS_URL,
        prefix: config.CONDUIT_DEDUPE_PREFIX,
        windowMs: config.CONDUIT_DEDUPE_WINDOW_SECONDS * 1000,
        // Must outlast kafkajs's own retries of an unsettled write (retries × request timeout).
        pendingTtlMs: Math.max(120000, 20 * writeTimeoutMs),
        logger,
      })
    : undefined;
  if (dedupe && !(await dedupe.ready(5000))) logger.warn('redis not reachable at start; messages are published without duplicate suppression until it is');

  const registry = createMetricsRegistry('ingest');
  const metrics = createIngestMetrics(registry);
  const intake = createIntake({
    publisher,
    rawTopic: config.CONDUIT_RAW_TOPIC,
    ...(dedupe ? { dedupe } : {}),
    inFlightWaitMs: writeTimeoutMs,
    patientKeySecret,
    logger,
    onDedupeUnavailable: metrics.dedupeUnavailable,
  });

  const started: { name: string; protocol: 'mllp' | 'http'; server: { port: number; close(): Promise<void> } }[] = [];
  for (const l of listeners) {
    const server = l.protocol === 'mllp' ? await startMllpListener(l, intake, metrics, logger) : await startHttpListener(l, intake, metrics, logger);
    started.push({ name: l.name, protocol: l.protocol, server });
  }
  const metricsServer = config.CONDUIT_METRICS_PORT !== undefined ? await serveMetrics({ metrics: registry, host: config.CONDUIT_METRICS_HOST, port: config.CONDUIT_METRICS_PORT, logger }) : undefined;

  return {
    ports: new Map(started.map((s) => [s.name, s.server.port])),
    mllpPort: started.find((s) => s.protocol === 'mllp')?.server.port ?? 0,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    logger,
    async stop() {
      // Listeners first, each finishing the message it is answering; then every write settles,
      // so its duplicate-suppression mark lands before Redis is closed.
      await Promise.all(started.map((s) => s.server.close()));
      await metricsServer?.close();
      await publisher.disconnect();
      await dedupe?.close();
    },
  };
}
