import type { RedisClient } from './redis-client.ts';
import { opsKeys } from './ops-keys.ts';

export type ReplayStatus = 'queued' | 'running' | 'completed' | 'cancelling' | 'cancelled' | 'failed';

export interface ReplayCounts {
  /** Records read from the source window. */
  readonly scanned: number;
  /** Records the selectors kept. */
  readonly matched: number;
  /** Records re-published (0 on a dry run). */
  readonly published: number;
}

export interface StoredReplay<S, P> {
  readonly id: string;
  readonly spec: S;
  readonly status: ReplayStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Catalog code of a failed replay. */
  readonly error?: string;
  /** Fixed when the job first starts (offsets from the time index and the high watermarks). */
  readonly plan?: P;
  /** Next offset to read per partition: where a resumed job continues. */
  readonly checkpoint: Readonly<Record<string, string>>;
  readonly counts: ReplayCounts;
}

export interface ReplayStore<S, P> {
  create(replay: { id: string; spec: S; createdAt: string; createdBy: string }): Promise<void>;
  get(id: string): Promise<StoredReplay<S, P> | null>;
  list(limit: number): Promise<StoredReplay<S, P>[]>;
  savePlan(id: string, plan: P, startedAt: string): Promise<void>;
  /** Moves the checkpoint of one partition and adds to the counters, atomically. */
  checkpoint(id: string, partition: number, next: string, add: ReplayCounts): Promise<void>;
  setStatus(id: string, status: ReplayStatus, extra?: { finishedAt?: string; error?: string }): Promise<void>;
  /** Marks a queued or running replay for cancellation; false when it has already ended. */
  requestCancel(id: string): Promise<boolean>;
  status(id: string): Promise<ReplayStatus | null>;
}

const FINAL: readonly ReplayStatus[] = ['completed', 'cancelled', 'failed'];

/** How long an ended replay's record stays readable. */
const RETAIN_MS = 30 * 24 * 3600 * 1000;

// Only a status that is not final moves to 'cancelling', atomically with the check.
const CANCEL_SCRIPT = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'completed' or s == 'cancelled' or s == 'failed' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelling')
return 1`;

export function createReplayStore<S, P>(redis: RedisClient, options: { readonly prefix: string }): ReplayStore<S, P> {
  const keys = opsKeys(options.prefix);
  const decode = (id: string, h: Record<string, string>): StoredReplay<S, P> | null => {
    if (!h['spec']) return null;
    const checkpoint: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) if (k.startsWith('cp:')) checkpoint[k.slice(3)] = v;
    return {
      id,
      spec: JSON.parse(h['spec']) as S,
      status: (h['status'] ?? 'queued') as ReplayStatus,
      createdAt: h['createdAt'] ?? '',
      createdBy: h['createdBy'] ?? '',
      ...(h['startedAt'] ? { startedAt: h['startedAt'] } : {}),
      ...(h['finishedAt'] ? { finishedAt: h['finishedAt'] } : {}),
      ...(h['error'] ? { error: h['error'] } : {}),
      ...(h['plan'] ? { plan: JSON.parse(h['plan']) as P } : {}),
      checkpoint,
      counts: { scanned: Number(h['c:scanned'] ?? 0), matched: Number(h['c:matched'] ?? 0), published: Number(h['c:published'] ?? 0) },
    };
  };
  return {
    async create(r) {
      await redis.multi()
        .hset(keys.replay(r.id), { spec: JSON.stringify(r.spec), status: 'queued', createdAt: r.createdAt, createdBy: r.createdBy })
        .zadd(keys.replays, Date.parse(r.createdAt), r.id)
        .zremrangebyscore(keys.replays, '-inf', Date.parse(r.createdAt) - RETAIN_MS)
        .exec();
    },
    async get(id) {
      return decode(id, await redis.hgetall(keys.replay(id)));
    },
    async list(limit) {
      const ids = await redis.zrevrange(keys.replays, 0, limit - 1);
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hgetall(keys.replay(id));
      const rows = (await pipe.exec()) ?? [];
      return ids.flatMap((id, i) => decode(id, (rows[i]?.[1] ?? {}) as Record<string, string>) ?? []);
    },
    async savePlan(id, plan, startedAt) {
      await redis.hset(keys.replay(id), { plan: JSON.stringify(plan), startedAt, status: 'running' });
    },
    async checkpoint(id, partition, next, add) {
      await redis.multi()
        .hset(keys.replay(id), `cp:${partition}`, next)
        .hincrby(keys.replay(id), 'c:scanned', add.scanned)
        .hincrby(keys.replay(id), 'c:matched', add.matched)
        .hincrby(keys.replay(id), 'c:published', add.published)
        .exec();
    },
    async setStatus(id, status, extra = {}) {
      const tx = redis.multi().hset(keys.replay(id), { status, ...extra });
      if (FINAL.includes(status)) tx.pexpire(keys.replay(id), RETAIN_MS);
      await tx.exec();
    },
    async requestCancel(id) {
      return Number(await redis.eval(CANCEL_SCRIPT, 1, keys.replay(id))) === 1;
    },
    async status(id) {
      return ((await redis.hget(keys.replay(id), 'status')) as ReplayStatus | null) ?? null;
    },
  };
}
