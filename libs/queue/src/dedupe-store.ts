import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { ConduitLogger } from '@conduit/log';

/*
 * One Redis string per message identity, shared by every ingest instance:
 *
 *   absent                       never seen, or its last write failed, or the window passed
 *   "P|<token>|<fingerprint>"    a write is in flight (PX pendingTtlMs, so a crashed writer's
 *                                claim lapses); <token> names the claimant
 *   "S|<fingerprint>"            stored in Kafka (PX windowMs): a resend is a duplicate
 *
 * A key becomes "S" only after Kafka acknowledged the write, and is deleted when the write is
 * known to have failed, so an ACK lost after storing is answered again without a second
 * publish, and a failed write can be resent. The fingerprint tells a resend (same content) from
 * a control id reused for another message.
 */

// Our claim lapsed and nobody else took the key: the write did succeed, so record it anyway.
const COMMIT = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ('P|' .. ARGV[1] .. '|' .. ARGV[2]) then
  redis.call('SET', KEYS[1], 'S|' .. ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ('P|' .. ARGV[1] .. '|' .. ARGV[2]) then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export type DedupeClaim =
  /** This caller owns the identity and must commit or release it. */
  | { readonly kind: 'claimed'; readonly key: string; readonly token: string; readonly fingerprint: string }
  /** Stored within the window with the same content: acknowledge again, do not publish. */
  | { readonly kind: 'duplicate' }
  /** Stored within the window with different content: the control id was reused. */
  | { readonly kind: 'conflict' }
  /** Another write of the same message is still unsettled after waiting: answer "try again". */
  | { readonly kind: 'in-flight' }
  /** Redis did not answer: the caller decides whether to publish without suppression. */
  | { readonly kind: 'unavailable' };

export interface DedupeStore {
  /**
   * Claims a message identity. When another write of it is in flight, polls until that write
   * settles or `waitMs` passes.
   */
  claim(id: string, fingerprint: string, waitMs: number): Promise<DedupeClaim>;
  /** Marks a claimed identity stored; call only after Kafka acknowledged the write. */
  commit(claim: DedupeClaim & { kind: 'claimed' }): Promise<void>;
  /** Gives a claimed identity up after a write known to have failed, so a resend is published. */
  release(claim: DedupeClaim & { kind: 'claimed' }): Promise<void>;
  /** Resolves true once connected, false if Redis did not answer within timeoutMs. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface DedupeStoreOptions {
  readonly url: string;
  /** Key prefix; tests and tenants use their own. */
  readonly prefix: string;
  /** How long a stored identity suppresses resends. */
  readonly windowMs: number;
  /** Longer than any write can stay unsettled; bounds how long a crashed writer blocks a resend. */
  readonly pendingTtlMs: number;
  /** Per-command ceiling: a slow Redis must not hold an ACK for long. */
  readonly commandTimeoutMs?: number;
  readonly logger: ConduitLogger;
  readonly redisOptions?: RedisOptions;
}

export function createDedupeStore(o: DedupeStoreOptions): DedupeStore {
  const log = o.logger.child({ component: 'dedupe' });
  const redis = new Redis(o.url, {
    // Fail fast while disconnected instead of queueing commands behind a reconnect: the caller
    // is holding a sender's ACK.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: o.commandTimeoutMs ?? 500,
    connectTimeout: 2000,
    connectionName: 'conduit-ingest-dedupe',
    // A claim is written at once (auto-pipelining would hold it until setImmediate): the sender
    // is waiting for it. Commits and releases are batched below instead.
    enableAutoPipelining: false,
    ...o.redisOptions,
  });
  // EVALSHA with a fallback to EVAL when Redis lost its script cache (ioredis defineCommand).
  redis.defineCommand('conduitDedupeCommit', { numberOfKeys: 1, lua: COMMIT });
  redis.defineCommand('conduitDedupeRelease', { numberOfKeys: 1, lua: RELEASE });
  let lastError = 0;
  redis.on('error', (err: Error) => {
    // ioredis emits on every reconnect attempt; one line per 10 s is enough.
    if (Date.now() - lastError > 10000) log.warn({ err }, 'redis unavailable; duplicate suppression degraded');
    lastError = Date.now();
  });
  const token = randomBytes(8).toString('base64url');
  let seq = 0;

  // Marks after a Kafka batch settles arrive together: one pipeline, one write, per tick.
  let marks: { script: 'conduitDedupeCommit' | 'conduitDedupeRelease'; args: (string | number)[]; done: () => void }[] = [];
  let flushing: Promise<unknown> = Promise.resolve();
  const flushMarks = () => {
    if (marks.length === 0) return;
    const batch = marks;
    marks = [];
    const pipeline = redis.pipeline();
    for (const m of batch) (pipeline as unknown as Record<string, (...a: (string | number)[]) => unknown>)[m.script]!(...m.args);
    flushing = pipeline.exec().then(
      (results) => {
        const failed = (results ?? []).filter(([err]) => err).length;
        // The claim lapses after pendingTtlMs; until then resends are told to retry, after it a
        // resend is published again (consumers deduplicate on the event id).
        if (failed > 0) log.warn({ failed }, 'could not record the outcome of some writes; their claims will lapse');
      },
      (err: unknown) => log.warn({ err, failed: batch.length }, 'could not record the outcome of some writes; their claims will lapse'),
    ).finally(() => batch.forEach((m) => m.done()));
  };
  const mark = (script: 'conduitDedupeCommit' | 'conduitDedupeRelease', args: (string | number)[]) =>
    new Promise<void>((done) => {
      if (marks.length === 0) setImmediate(flushMarks);
      marks.push({ script, args, done });
    });

  return {
    async claim(id, fingerprint, waitMs) {
      const key = `${o.prefix}:${id}`;
      const mine = `${token}.${(seq++).toString(36)}`;
      const deadline = Date.now() + waitMs;
      let pause = 2;
      for (;;) {
        let v: string | null;
        try {
          // One native command (Redis 7.0+): sets the claim only where there is none, and answers
          // what was there. A Lua script cost Redis more CPU than the command, per message.
          v = await redis.set(key, `P|${mine}|${fingerprint}`, 'PX', o.pendingTtlMs, 'NX', 'GET');
        } catch {
          return { kind: 'unavailable' };
        }
        if (v === null) return { kind: 'claimed', key, token: mine, fingerprint };
        if (v.startsWith('S|')) return v.slice(2) === fingerprint ? { kind: 'duplicate' } : { kind: 'conflict' };
        if (Date.now() + pause > deadline) return { kind: 'in-flight' };
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 50);
      }
    },
    commit(c) {
      return mark('conduitDedupeCommit', [c.key, c.token, c.fingerprint, o.windowMs]);
    },
    release(c) {
      return mark('conduitDedupeRelease', [c.key, c.token, c.fingerprint]);
    },
    ready(timeoutMs) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise<boolean>((resolveReady) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolveReady(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.on('ready', onReady);
      });
    },
    async close() {
      flushMarks();
      await flushing;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
