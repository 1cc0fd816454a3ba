import { parseConfig, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, provisionTopics, runStage } from '@conduit/bus';
import { Topics, createRecordValidators, deadLetterFor, subscriberTopic } from '@conduit/events';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { loadContracts } from '@conduit/projection';
import configSchema from '../../../schemas/config/fanout.schema.json' with { type: 'json' };
import { fanoutRecord } from './fanout-record.ts';

interface FanoutConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_CONTRACTS_DIR: string;
}

export interface FanoutService {
  readonly logger: ConduitLogger;
  stop(): Promise<void>;
}

const DEFAULT_SUBSCRIBER_RETENTION_MS = 604800000;

export async function main(env: Env = process.env): Promise<FanoutService> {
  const config = parseConfig<FanoutConfig>(configSchema, env);
  const contracts = loadContracts(config.CONDUIT_CONTRACTS_DIR);
  const logger = createLogger({ name: 'fanout', level: config.CONDUIT_LOG_LEVEL });
  const validators = createRecordValidators();
  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-fanout', logger });
  // Subscriber topics follow their contracts: created here, with the contract's retention.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, contracts.map(({ contract }) => ({
      name: subscriberTopic(contract.id),
      partitions: 6,
      replicationFactor: -1,
      configs: { 'retention.ms': String(contract.channels.kafka?.retentionMs ?? DEFAULT_SUBSCRIBER_RETENTION_MS), 'cleanup.policy': 'delete' },
    })));
  } finally {
    await admin.disconnect();
  }
  const publisher = await createPublisher(kafka);
  const subscribers = new Set(contracts.map((c) => c.contract.id));
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [Topics.projected],
    publisher,
    logger,
    handle: (record) => fanoutRecord(record, { validators, subscribers }),
    deadLetter: deadLetterFor('fanout'),
  });
  return {
    logger,
    async stop() {
      await stage.stop();
      await publisher.disconnect();
    },
  };
}
