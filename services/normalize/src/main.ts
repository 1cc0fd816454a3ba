import { extendConfigSchema, parseConfig, readSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, runStage } from '@conduit/bus';
import { Topics, createRecordValidators, deadLetterFor } from '@conduit/events';
import { createFhirValidator, loadMappingSettings } from '@conduit/fhir-map';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { connectDlqSealer, type DlqSealingConfig } from '@conduit/queue/dlq-sealer';
import dlqSealingSchema from '../../../schemas/config/dlq-sealing.schema.json' with { type: 'json' };
import configSchema from '../../../schemas/config/normalize.schema.json' with { type: 'json' };
import { normalizeRecord } from './normalize-record.ts';

interface NormalizeConfig extends DlqSealingConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_HL7_TIME_ZONE: string;
  readonly CONDUIT_IDENTIFIER_SYSTEMS_FILE?: string;
  readonly CONDUIT_FHIR_ATTACHMENT_MAX_BYTES: number;
}

export interface NormalizeService {
  readonly logger: ConduitLogger;
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
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [Topics.raw],
    publisher,
    logger,
    handle: (record) => normalizeRecord(record, { validators, patientKeySecret, fhirValidator, mapping }),
    deadLetter: deadLetterFor('normalize', { sealer: dlq.sealer }),
  });
  return {
    logger,
    async stop() {
      await stage.stop();
      await publisher.disconnect();
      await dlq.close();
    },
  };
}
