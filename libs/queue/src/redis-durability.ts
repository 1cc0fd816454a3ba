import { ConduitError } from '@conduit/errors';
import type { ConduitLogger } from '@conduit/log';
import type { RedisClient } from './redis-client.ts';

export interface RedisPersistence {
  /** Append-only file on: every write is logged and survives a restart (at most ~1 s lost with everysec). */
  readonly aof: boolean;
  /** RDB snapshots configured: a restart rolls back to the last snapshot, minutes old. */
  readonly rdb: boolean;
  readonly maxmemoryPolicy: string | undefined;
}

/**
 * Reads persistence from INFO rather than CONFIG GET: managed Redis services (ElastiCache, Azure
 * Cache) often disable CONFIG but always answer INFO.
 */
export async function inspectRedisPersistence(redis: RedisClient): Promise<RedisPersistence> {
  const persistence = parseInfo(await redis.info('persistence'));
  const memory = parseInfo(await redis.info('memory'));
  return {
    aof: persistence.get('aof_enabled') === '1',
    // rdb_last_save_time alone does not say snapshots are scheduled; CONFIG GET save would, where allowed.
    rdb: await snapshotsScheduled(redis),
    maxmemoryPolicy: memory.get('maxmemory_policy'),
  };
}

/**
 * Sequence counters, delivery lanes and queued webhook jobs live in Redis: a Redis that loses them
 * on restart loses deliveries and restarts sequence numbers, so fanout refuses it. Only AOF counts:
 * an RDB snapshot restores an older counter, which would reissue sequence numbers. An evicting
 * maxmemory policy would drop keys under pressure (BullMQ requires noeviction).
 */
export async function assertRedisDurable(redis: RedisClient, options: { allowNoPersistence: boolean; logger: ConduitLogger }): Promise<RedisPersistence> {
  const p = await inspectRedisPersistence(redis);
  const problems: string[] = [];
  if (!p.aof) problems.push(`appendonly is off${p.rdb ? ' (RDB snapshots alone would roll sequence numbers back)' : ''}`);
  if (p.maxmemoryPolicy !== undefined && p.maxmemoryPolicy !== 'noeviction') problems.push(`maxmemory-policy is ${p.maxmemoryPolicy}, not noeviction`);
  if (problems.length === 0) return p;
  if (!options.allowNoPersistence) {
    throw new ConduitError('CDT_REDIS_NOT_DURABLE', `${problems.join('; ')}; set CONDUIT_REDIS_ALLOW_NO_PERSISTENCE=true only for development`);
  }
  options.logger.warn({ code: 'CDT_REDIS_NOT_DURABLE', problems }, 'Redis is not durable; allowed by CONDUIT_REDIS_ALLOW_NO_PERSISTENCE (development only)');
  return p;
}

function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

async function snapshotsScheduled(redis: RedisClient): Promise<boolean> {
  try {
    const reply = (await redis.config('GET', 'save')) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' && reply[1].trim() !== '';
  } catch {
    return false;
  }
}
