import { extendConfigSchema, parseConfig, readOptionalSecret, type Env } from '@conduit/config';
import type { DlqSealingConfig } from '@conduit/queue/dlq-sealer';
import dlqSealingSchema from '../../../schemas/config/dlq-sealing.schema.json' with { type: 'json' };
import configSchema from '../../../schemas/config/fanout.schema.json' with { type: 'json' };

/** The fanout environment, parsed once against schemas/config/fanout.schema.json plus dlq-sealing.schema.json. */
export interface FanoutConfig extends DlqSealingConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_GROUP_ID: string;
  readonly CONDUIT_CONTRACTS_DIR: string;
  readonly CONDUIT_INPUT_TOPIC: string;
  readonly CONDUIT_DLQ_TOPIC: string;
  readonly CONDUIT_SUBSCRIBER_TOPIC_PARTITIONS: number;
  readonly CONDUIT_PARTITIONS_CONSUMED_CONCURRENTLY: number;
  readonly CONDUIT_REDIS_ALLOW_NO_PERSISTENCE: boolean;
  readonly CONDUIT_WEBHOOK_CA_FILE?: string;
  readonly CONDUIT_DELIVERY_STATE_TTL_MS: number;
  readonly CONDUIT_DELIVERY_LOCK_MS: number;
  readonly CONDUIT_LANE_SWEEP_MS: number;
  readonly CONDUIT_METRICS_PORT?: number;
  readonly CONDUIT_METRICS_HOST: string;
}

export function parseFanoutConfig(env: Env): Readonly<FanoutConfig> {
  return parseConfig<FanoutConfig>(extendConfigSchema(configSchema, dlqSealingSchema), env);
}

/** The Redis password, from CONDUIT_REDIS_PASSWORD_FILE or CONDUIT_REDIS_PASSWORD, when one is set. */
export function readRedisPassword(env: Env): string | undefined {
  return readOptionalSecret(env, 'CONDUIT_REDIS_PASSWORD')?.toString('utf8');
}
