import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { ConduitLogger } from '@conduit/log';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: ConduitLogger;
  readonly ssl?: boolean;
  readonly sasl?: SASLOptions;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** How long a producer or admin call may keep retrying a broker before it fails. */
  readonly retryBudgetMs?: number;
}

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: Math.max(1000, (options.retryBudgetMs ?? 10000) / 4) },
    logLevel: logLevel.WARN,
    // kafkajs log lines carry broker and group names, never record values.
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const fields = { namespace: entry.namespace, broker: rest['broker'], groupId: rest['groupId'], error: rest['error'] };
      if (entry.level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  };
  if (options.ssl) config.ssl = true;
  if (options.sasl) config.sasl = options.sasl;
  return new Kafka(config);
}

/** Splits KAFKA_BROKERS ("host:port,host:port"). */
export function parseBrokerList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
