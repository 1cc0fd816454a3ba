import { parseConfig, readSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList } from '@conduit/bus';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { startMllpServer } from '@conduit/mllp';
import configSchema from '../../../schemas/config/ingest.schema.json' with { type: 'json' };
import { acceptMessage, refuseOversized } from './intake.ts';

interface IngestConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_LISTENER_NAME: string;
  readonly CONDUIT_MLLP_HOST: string;
  readonly CONDUIT_MLLP_PORT: number;
  readonly CONDUIT_MLLP_MAX_FRAME_BYTES: number;
  readonly CONDUIT_MLLP_IDLE_TIMEOUT_MS: number;
  readonly CONDUIT_MLLP_MAX_CONNECTIONS: number;
  readonly CONDUIT_KAFKA_WRITE_TIMEOUT_MS: number;
}

export interface IngestService {
  readonly mllpPort: number;
  readonly logger: ConduitLogger;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<IngestService> {
  const config = parseConfig<IngestConfig>(configSchema, env);
  const patientKeySecret = readSecret(env, 'CONDUIT_PATIENT_KEY');
  const logger = createLogger({ name: 'ingest', level: config.CONDUIT_LOG_LEVEL });
  const kafka = createKafkaClient({
    brokers: parseBrokerList(config.KAFKA_BROKERS),
    clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-ingest',
    logger,
    retryBudgetMs: config.CONDUIT_KAFKA_WRITE_TIMEOUT_MS,
  });
  const publisher = await createPublisher(kafka, { timeoutMs: config.CONDUIT_KAFKA_WRITE_TIMEOUT_MS });
  const server = await startMllpServer({
    name: config.CONDUIT_LISTENER_NAME,
    host: config.CONDUIT_MLLP_HOST,
    port: config.CONDUIT_MLLP_PORT,
    maxFrameBytes: config.CONDUIT_MLLP_MAX_FRAME_BYTES,
    idleTimeoutMs: config.CONDUIT_MLLP_IDLE_TIMEOUT_MS,
    maxConnections: config.CONDUIT_MLLP_MAX_CONNECTIONS,
    logger,
    onMessage: async (payload, connection) =>
      (await acceptMessage(payload, connection, { listener: config.CONDUIT_LISTENER_NAME, publisher, patientKeySecret, logger })).ack,
    onOversized: (bytes, connection) => {
      logger.warn({ bytes, connection: connection.id, code: 'CDT_MLLP_FRAME_TOO_LARGE' }, 'oversized frame discarded');
      return refuseOversized(new Date());
    },
  });
  return {
    mllpPort: server.port,
    logger,
    async stop() {
      await server.close();
      await publisher.disconnect();
    },
  };
}
