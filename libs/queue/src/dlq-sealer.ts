import { readOptionalSecret, type Env } from '@conduit/config';
import { createPayloadSealer, parseDlqTtls, type PayloadSealer, type PipelineStage } from '@conduit/events';
import { createRedisDataKeyStore } from './data-key-store.ts';
import { createRedisClient } from './redis-client.ts';

/** The settings of schemas/config/dlq-sealing.schema.json, as parseConfig returns them. */
export interface DlqSealingConfig {
  readonly REDIS_URL: string;
  /** Must equal ops's: ops opens and destroys the keys a stage stores. */
  readonly CONDUIT_REDIS_PREFIX: string;
  readonly CONDUIT_DLQ_TTL_MS: number;
  readonly CONDUIT_DLQ_TTL_BY_STAGE?: string;
}

export interface DlqSealer {
  readonly sealer: PayloadSealer;
  close(): Promise<void>;
}

/**
 * The sealer a pipeline stage hands to deadLetterFor: each failed payload under a data key that
 * lives the stage's TTL. Its Redis client fails fast, so a failed seal fails the batch, which is
 * retried from its committed offset rather than dead-lettered unsealed. A separate package entry
 * (`@conduit/queue/dlq-sealer`) so stages that only seal never load BullMQ.
 */
export function connectDlqSealer(stage: PipelineStage, config: DlqSealingConfig, env: Env): DlqSealer {
  const ttlMs = parseDlqTtls(config.CONDUIT_DLQ_TTL_MS, config.CONDUIT_DLQ_TTL_BY_STAGE).ttlFor(stage);
  const password = readOptionalSecret(env, 'CONDUIT_REDIS_PASSWORD')?.toString('utf8');
  const redis = createRedisClient({ url: config.REDIS_URL, connectionName: `conduit-${stage}-dlq`, mode: 'fail-fast', ...(password ? { password } : {}) });
  return {
    sealer: createPayloadSealer({ keys: createRedisDataKeyStore(redis, { prefix: config.CONDUIT_REDIS_PREFIX }), ttlMs }),
    async close() {
      await redis.quit();
    },
  };
}
