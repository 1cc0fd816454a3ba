import type { Env } from '@conduit/config';
import type { ConduitLogger } from '@conduit/log';
import { assertRedisDurable, createRedisClient, type RedisClient } from '@conduit/queue';
import { readRedisPassword, type FanoutConfig } from './fanout-config.ts';

export interface FanoutRedis {
  /** Sequence numbers and delivery state: fails fast, so a Kafka batch is retried rather than stuck. */
  readonly commands: RedisClient;
  /** BullMQ queues and workers: waits for Redis to come back (BullMQ requires it). */
  readonly queues: RedisClient;
  close(): Promise<void>;
}

/** Connects to Redis and refuses one that would not keep deliveries across a restart. */
export async function connectFanoutRedis(config: Readonly<FanoutConfig>, env: Env, logger: ConduitLogger): Promise<FanoutRedis> {
  const password = readRedisPassword(env);
  const options = { url: config.REDIS_URL, ...(password ? { password } : {}) };
  const commands = createRedisClient({ ...options, connectionName: 'conduit-fanout', mode: 'fail-fast' });
  const queues = createRedisClient({ ...options, connectionName: 'conduit-fanout-bullmq', mode: 'wait' });
  try {
    await assertRedisDurable(commands, { allowNoPersistence: config.CONDUIT_REDIS_ALLOW_NO_PERSISTENCE, logger });
  } catch (err) {
    commands.disconnect();
    queues.disconnect();
    throw err;
  }
  return {
    commands,
    queues,
    async close() {
      await Promise.all([commands.quit(), queues.quit()]);
    },
  };
}
