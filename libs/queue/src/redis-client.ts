import { Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis;

export interface RedisClientOptions {
  /** redis:// or rediss:// (TLS). Credentials do not belong in the URL: pass `password`. */
  readonly url: string;
  readonly password?: string;
  /** A name shown by CLIENT LIST, so operators can tell Conduit's connections apart. */
  readonly connectionName: string;
  /**
   * How the client behaves while Redis is unreachable. 'fail-fast' rejects a command after a few
   * reconnect attempts, so a Kafka batch fails and is retried from its committed offset instead of
   * hanging; 'wait' queues commands until Redis is back, which BullMQ workers require
   * (maxRetriesPerRequest: null, BullMQ docs "Going to production").
   */
  readonly mode: 'fail-fast' | 'wait';
}

export function createRedisClient(options: RedisClientOptions): RedisClient {
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.mode === 'wait' ? null : 2,
    // Commands issued in the same tick (a whole Kafka batch) share one round trip, in issue order.
    // Never on BullMQ connections: it breaks BullMQ's job moves (taskforcesh/bullmq#457).
    enableAutoPipelining: options.mode === 'fail-fast',
    ...(options.password ? { password: options.password } : {}),
  };
  return new Redis(options.url, redisOptions);
}
