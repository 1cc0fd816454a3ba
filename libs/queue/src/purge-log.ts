import type { RedisClient } from './redis-client.ts';
import { opsKeys } from './ops-keys.ts';

/** The most recent purge runs (counts and the audit ids that record them), newest first. */
export interface PurgeLog<T> {
  add(summary: T): Promise<void>;
  recent(limit: number): Promise<T[]>;
}

const KEEP = 200;

export function createPurgeLog<T>(redis: RedisClient, options: { readonly prefix: string }): PurgeLog<T> {
  const key = opsKeys(options.prefix).purgeRuns;
  return {
    async add(summary) {
      await redis.multi().lpush(key, JSON.stringify(summary)).ltrim(key, 0, KEEP - 1).exec();
    },
    async recent(limit) {
      return (await redis.lrange(key, 0, Math.min(limit, KEEP) - 1)).map((s) => JSON.parse(s) as T);
    },
  };
}
