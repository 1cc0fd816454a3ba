import type { RedisClient } from './redis-client.ts';
import { opsKeys } from './ops-keys.ts';

/** What the index knows of one failed message: metadata only; the payload stays sealed. */
export interface DlqIndexEntry {
  /** Stable per stage and source event (a hash), so a message that fails again is one entry. */
  readonly id: string;
  readonly stage: string;
  readonly errorCode: string;
  readonly errorDetail?: string;
  readonly attempts: number;
  readonly firstFailureAt: string;
  readonly lastFailureAt: string;
  readonly sourceEventId?: string;
  readonly subscriber?: string;
  readonly lastResponseStatus?: number;
  /** Where the failed input was read: a retry writes it back there. */
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  /** Where the newest DLQ record of this entry sits. */
  readonly dlq: { readonly topic: string; readonly partition: number; readonly offset: string };
  /** The input's record key (a patient hash or source name), reused on retry to keep ordering. */
  readonly recordKey: string | null;
  readonly correlationId?: string;
  readonly traceparent?: string;
  /** Data key of the sealed payload copy; absent when the payload was not kept. */
  readonly keyId?: string;
  readonly expiresAt: string;
  readonly status: 'failed' | 'retried';
  readonly retries: number;
  readonly retriedAt?: string;
}

export interface DlqFilter {
  readonly stage?: string;
  readonly errorCode?: string;
  readonly subscriber?: string;
  readonly status?: DlqIndexEntry['status'];
  /** Last failure at or after (ms). */
  readonly since?: number;
  /** Last failure at or before (ms). */
  readonly until?: number;
}

export interface DlqPage {
  readonly entries: readonly DlqIndexEntry[];
  /** Pass back as `offset` for the next page; null at the end. */
  readonly nextOffset: number | null;
}

export interface DlqRemoval {
  readonly entries: number;
  readonly keys: number;
}

export interface DlqIndexStore {
  /** Null when absent or past its expiry (an expired entry is never shown, purged or not). */
  get(id: string, now: number): Promise<DlqIndexEntry | null>;
  getWithPayload(id: string, now: number): Promise<{ entry: DlqIndexEntry; sealed: string | null } | null>;
  /** Writes the whole entry; the data key's expiry is lowered to the entry's when it was later. */
  put(entry: DlqIndexEntry, sealed: string | null): Promise<void>;
  /** Rewrites an existing entry's metadata, keeping its payload copy (no-op when it is gone). */
  update(entry: DlqIndexEntry): Promise<boolean>;
  list(filter: DlqFilter, page: { offset: number; limit: number }, now: number): Promise<DlqPage>;
  /** Up to `limit` ids whose expiry has passed, oldest first. */
  expiredIds(now: number, limit: number): Promise<string[]>;
  /** Removes entries, their payload copies and their data keys (crypto-shredding every DLQ copy). */
  remove(ids: readonly string[], extraKeyIds?: readonly string[]): Promise<DlqRemoval>;
}

export interface DlqIndexStoreOptions {
  readonly prefix: string;
  /**
   * How long an entry's hash outlives its expiry, so the purge job can still read which data key
   * to destroy; listing and reads ignore expired entries from the expiry on.
   */
  readonly graceMs?: number;
}

const SCAN_PAGE = 200;

const UPDATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'meta', ARGV[1])
return 1`;

export function createDlqIndexStore(redis: RedisClient, options: DlqIndexStoreOptions): DlqIndexStore {
  const keys = opsKeys(options.prefix);
  const graceMs = options.graceMs ?? 600000;
  const parse = (meta: string | null | undefined): DlqIndexEntry | null => (meta ? (JSON.parse(meta) as DlqIndexEntry) : null);
  const live = (e: DlqIndexEntry | null, now: number) => (e && Date.parse(e.expiresAt) > now ? e : null);
  const matches = (e: DlqIndexEntry, f: DlqFilter) =>
    (!f.stage || e.stage === f.stage) && (!f.errorCode || e.errorCode === f.errorCode) && (!f.subscriber || e.subscriber === f.subscriber) && (!f.status || e.status === f.status);

  return {
    async get(id, now) {
      return live(parse(await redis.hget(keys.dlqEntry(id), 'meta')), now);
    },
    async getWithPayload(id, now) {
      const [meta, sealed] = await redis.hmget(keys.dlqEntry(id), 'meta', 'sealed');
      const entry = live(parse(meta), now);
      return entry ? { entry, sealed: sealed ?? null } : null;
    },
    async put(entry, sealed) {
      const expires = Date.parse(entry.expiresAt);
      const tx = redis.multi();
      tx.del(keys.dlqEntry(entry.id));
      tx.hset(keys.dlqEntry(entry.id), sealed ? { meta: JSON.stringify(entry), sealed } : { meta: JSON.stringify(entry) });
      tx.pexpireat(keys.dlqEntry(entry.id), expires + graceMs);
      tx.zadd(keys.dlqByTime, Date.parse(entry.lastFailureAt), entry.id);
      tx.zadd(keys.dlqByExpiry, expires, entry.id);
      if (entry.keyId) tx.pexpireat(keys.dataKey(entry.keyId), expires, 'LT');
      await tx.exec();
    },
    async update(entry) {
      // HSET only where the hash still exists: an entry purged meanwhile stays purged.
      const written = await redis.eval(UPDATE_SCRIPT, 1, keys.dlqEntry(entry.id), JSON.stringify(entry));
      return Number(written) === 1;
    },
    async list(filter, page, now) {
      const out: DlqIndexEntry[] = [];
      const max = filter.until ?? '+inf';
      const min = filter.since ?? '-inf';
      let offset = page.offset;
      for (;;) {
        const ids = await redis.zrevrangebyscore(keys.dlqByTime, max, min, 'LIMIT', offset, SCAN_PAGE);
        if (ids.length === 0) return { entries: out, nextOffset: null };
        const pipe = redis.pipeline();
        for (const id of ids) pipe.hget(keys.dlqEntry(id), 'meta');
        const metas = (await pipe.exec()) ?? [];
        for (let i = 0; i < ids.length; i++) {
          offset++;
          const entry = live(parse(metas[i]?.[1] as string | null), now);
          if (entry && matches(entry, filter)) out.push(entry);
          if (out.length === page.limit) return { entries: out, nextOffset: offset };
        }
        if (ids.length < SCAN_PAGE) return { entries: out, nextOffset: null };
      }
    },
    async expiredIds(now, limit) {
      return redis.zrangebyscore(keys.dlqByExpiry, '-inf', now, 'LIMIT', 0, limit);
    },
    async remove(ids, extraKeyIds = []) {
      if (ids.length === 0 && extraKeyIds.length === 0) return { entries: 0, keys: 0 };
      const pipe = redis.pipeline();
      for (const id of ids) pipe.hget(keys.dlqEntry(id), 'meta');
      const metas = ids.length > 0 ? ((await pipe.exec()) ?? []) : [];
      const keyIds = new Set(extraKeyIds);
      for (const m of metas) {
        const keyId = parse(m?.[1] as string | null)?.keyId;
        if (keyId) keyIds.add(keyId);
      }
      const tx = redis.multi();
      if (ids.length > 0) {
        tx.del(...ids.map((id) => keys.dlqEntry(id)));
        tx.zrem(keys.dlqByTime, ...ids);
        tx.zrem(keys.dlqByExpiry, ...ids);
      }
      if (keyIds.size > 0) tx.del(...[...keyIds].map((k) => keys.dataKey(k)));
      const results = (await tx.exec()) ?? [];
      const count = (i: number) => Number(results[i]?.[1] ?? 0);
      return { entries: ids.length > 0 ? count(0) : 0, keys: keyIds.size > 0 ? count(ids.length > 0 ? 3 : 0) : 0 };
    },
  };
}
