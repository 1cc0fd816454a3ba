import { extendConfigSchema, parseConfig, readSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, runStage } from '@conduit/bus';
import { Topics, createRecordValidators, deadLetterFor } from '@conduit/events';
import { createFhirValidator, loadMappingSettings } from '@conduit/fhir-map';
import { serveMetrics } from '@conduit/http';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { createMetricsRegistry } from '@conduit/metrics';
import { connectDlqSealer, type DlqSealingConfig } from '@conduit/queue/dlq-sealer';
import dlqSealingSchema from '../../../schemas/config/dlq-sealing.schema.json' with { type: 'json' };
import configSchema from '../../../schemas/config/normalize.schema.json' with { type: 'json' };
import { createNormalizeMetrics } from './normalize-metrics.ts';
import { normalizeRecord } from './normalize-record.ts';

interface NormalizeConfig extends DlqSealingConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_HL7_TIME_ZONE: string;
  readonly CONDUIT_IDENTIFIER_SYSTEMS_FILE?: string;
  readonly CONDUIT_FHIR_ATTACHMENT_MAX_BYTES: number;
  readonly CONDUIT_METRICS_HOST: string;
  readonly CONDUIT_METRICS_PORT?: number;
}

export interface NormalizeService {
  readonly logger: ConduitLogger;
  /** Where GET /metrics is served, when CONDUIT_METRICS_PORT is set. */
  readonly metricsPort?: number;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<NormalizeService> {
  const config = parseConfig<NormalizeConfig>(extendConfigSchema(configSchema, dlqSealingSchema), env);
  const patientKeySecret = readSecret(env, 'CONDUIT_PATIENT_KEY');
  const logger = createLogger({ name: 'normalize', level: config.CONDUIT_LOG_LEVEL });
  const validators = createRecordValidators();
  const mapping = loadMappingSettings({ timeZone: config.CONDUIT_HL7_TIME_ZONE, identifierSystemsFile: config.CONDUIT_IDENTIFIER_SYSTEMS_FILE });
  const fhirValidator = createFhirValidator({ base64BinaryMaxBytes: config.CONDUIT_FHIR_ATTACHMENT_MAX_BYTES });
  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-normalize', logger });
  const publisher = await createPublisher(kafka);
  const dlq = connectDlqSealer('normalize', config, env);
  const registry = createMetricsRegistry('normalize');
  const metrics = createNormalizeMetrics(registry);
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [Topics.raw],
    publisher,
    logger,
    handle: (record) => normalizeRecord(record, { validators, patientKeySecret, fhirValidator, mapping, metrics }),
    deadLetter: deadLetterFor('normalize', { sealer: dlq.sealer, onDeadLettered: metrics.deadLettered }),
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
