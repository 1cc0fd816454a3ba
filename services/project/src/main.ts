import { extendConfigSchema, parseConfig, readSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, runStage } from '@conduit/bus';
import { Topics, createRecordValidators, deadLetterFor } from '@conduit/events';
import { serveMetrics } from '@conduit/http';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { createMetricsRegistry } from '@conduit/metrics';
import { createProjector, loadContracts } from '@conduit/projection';
import { connectDlqSealer, type DlqSealingConfig } from '@conduit/queue/dlq-sealer';
import dlqSealingSchema from '../../../schemas/config/dlq-sealing.schema.json' with { type: 'json' };
import configSchema from '../../../schemas/config/project.schema.json' with { type: 'json' };
import { createProjectMetrics } from './project-metrics.ts';
import { projectRecord } from './project-record.ts';

interface ProjectConfig extends DlqSealingConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_CONTRACTS_DIR: string;
  readonly CONDUIT_METRICS_HOST: string;
  readonly CONDUIT_METRICS_PORT?: number;
}

export interface ProjectService {
  readonly logger: ConduitLogger;
  /** Where GET /metrics is served, when CONDUIT_METRICS_PORT is set. */
  readonly metricsPort?: number;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<ProjectService> {
  const config = parseConfig<ProjectConfig>(extendConfigSchema(configSchema, dlqSealingSchema), env);
  const contracts = loadContracts(config.CONDUIT_CONTRACTS_DIR);
  const projector = createProjector({ contracts, keys: { tokenSecret: readSecret(env, 'CONDUIT_TOKEN_KEY') } });
  const logger = createLogger({ name: 'project', level: config.CONDUIT_LOG_LEVEL });
  logger.info({ subscribers: contracts.map((c) => c.contract.id) }, 'contracts loaded');
  const validators = createRecordValidators();
  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-project', logger });
  const publisher = await createPublisher(kafka);
  const dlq = connectDlqSealer('project', config, env);
  const registry = createMetricsRegistry('project');
  const metrics = createProjectMetrics(registry);
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [Topics.canonical],
    publisher,
    logger,
    handle: (record) => projectRecord(record, { validators, projector, metrics }),
    deadLetter: deadLetterFor('project', { sealer: dlq.sealer, onDeadLettered: metrics.deadLettered }),
  });
  const metricsServer = config.CONDUIT_METRICS_PORT === undefined
    ? undefined
    : await serveMetrics({ metrics: registry, host: config.CONDUIT_METRICS_HOST, port: config.CONDUIT_METRICS_PORT, logger });
  return {
    logger,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    async stop() {
      await metricsServer?.close();
      await stage.stop();
      await publisher.disconnect();
      await dlq.close();
    },
  };
}
