import { ConduitError } from '@conduit/errors';
import type { DataKeyStore } from '@conduit/events';
import type { RedisClient } from './redis-client.ts';
import { opsKeys } from './ops-keys.ts';

/**
 * The DLQ data keys in Redis, each with a PX expiry: Redis forgets a key at its TTL even when no
 * purge job runs, which is what bounds a failed payload's life. Needs Redis without eviction
 * (maxmemory-policy noeviction) and, for the purge to survive a restart, AOF.
 */
export function createRedisDataKeyStore(redis: RedisClient, options: { readonly prefix: string }): DataKeyStore {
  const keys = opsKeys(options.prefix);
  const guard = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw new ConduitError('CDT_DLQ_KEY_STORE_UNAVAILABLE', (err as Error).name, { cause: err });
    }
  };
  return {
    put: (keyId, key, ttlMs) => guard(async () => {
      await redis.set(keys.dataKey(keyId), key.toString('base64'), 'PX', Math.max(1, Math.round(ttlMs)));
    }),
    get: (keyId) => guard(async () => {
      const text = await redis.get(keys.dataKey(keyId));
      return text ? Buffer.from(text, 'base64') : null;
    }),
    destroy: (keyIds) => guard(async () => (keyIds.length === 0 ? 0 : await redis.del(...keyIds.map((k) => keys.dataKey(k))))),
  };
}
