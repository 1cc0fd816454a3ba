import { parseConfig, readSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, runStage } from '@conduit/bus';
import { Topics, createRecordValidators, deadLetterFor } from '@conduit/events';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { loadContracts } from '@conduit/projection';
import configSchema from '../../../schemas/config/project.schema.json' with { type: 'json' };
import { projectRecord } from './project-record.ts';

interface ProjectConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_CONTRACTS_DIR: string;
}

export interface ProjectService {
  readonly logger: ConduitLogger;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<ProjectService> {
  const config = parseConfig<ProjectConfig>(configSchema, env);
  const contracts = loadContracts(config.CONDUIT_CONTRACTS_DIR);
  const keys = { tokenSecret: readSecret(env, 'CONDUIT_TOKEN_KEY') };
  const logger = createLogger({ name: 'project', level: config.CONDUIT_LOG_LEVEL });
  logger.info({ subscribers: contracts.map((c) => c.contract.id) }, 'contracts loaded');
  const validators = createRecordValidators();
  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-project', logger });
  const publisher = await createPublisher(kafka);
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [Topics.canonical],
    publisher,
    logger,
    handle: (record) => projectRecord(record, { validators, contracts, keys }),
    deadLetter: deadLetterFor('project'),
  });
  return {
    logger,
    async stop() {
      await stage.stop();
      await publisher.disconnect();
    },
  };
}
