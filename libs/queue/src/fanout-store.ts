import { ConduitError } from '@conduit/errors';
import type { RedisClient } from './redis-client.ts';
import { fanoutKeys, type FanoutKeys } from './fanout-keys.ts';
import { ASSIGN, BEGIN, FAILURE, SETTLE } from './fanout-scripts.ts';

/** What a webhook delivery needs later: its body, and where it came from (for the DLQ). */
export interface DeliveryFields {
  readonly eventId: string;
  /** The projected event as received (JSON). Removed from Redis once the delivery ends. */
  readonly body: string;
  /** The input record's key (a patient hash or source name, never an identifier). */
  readonly key: string | null;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly correlationId: string;
  readonly traceparent?: string;
  readonly replayId?: string;
}

export interface AssignRequest {
  readonly subscriber: string;
  readonly deliveryId: string;
  /** Set for subscribers with a webhook: the delivery is queued in its patient's lane. */
  readonly push?: { readonly lane: string; readonly fields: DeliveryFields };
  readonly now: number;
}

export interface Assignment {
  readonly sequence: number;
  /** False when the delivery id was already assigned (a re-processed record): same number again. */
  readonly created: boolean;
  /** The delivery at the head of the lane, which must have a job (push only). */
  readonly laneHead: string | undefined;
}

export interface StoredDelivery extends DeliveryFields {
  readonly subscriber: string;
  readonly deliveryId: string;
  readonly sequence: number;
  readonly lane: string;
  readonly attempts: number;
  readonly queuedAt: number;
  readonly firstFailureAt?: number;
  readonly lastError?: string;
  readonly lastStatus?: number;
}

/** 'attempt': make attempt number delivery.attempts; 'exhausted': no attempt left; otherwise it ended. */
export type BeginResult =
  | { readonly kind: 'attempt'; readonly delivery: StoredDelivery }
  | { readonly kind: 'exhausted'; readonly delivery: StoredDelivery }
  | { readonly kind: 'ended' };

export type SettleOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'failed'; readonly code: string; readonly status?: number };

export interface FanoutStore {
  readonly prefix: string;
  keys(subscriber: string): FanoutKeys;
  assign(request: AssignRequest): Promise<Assignment>;
  /** Forgets pull-only assignments once their records are on the subscriber topic. */
  release(subscriber: string, deliveryIds: readonly string[]): Promise<void>;
  begin(subscriber: string, deliveryId: string, maxAttempts: number, now: number): Promise<BeginResult>;
  noteFailure(subscriber: string, deliveryId: string, failure: { code: string; status?: number }, now: number): Promise<void>;
  /** Ends a delivery (when an outcome is given), pops it from its lane and returns the next head. */
  settle(subscriber: string, deliveryId: string, lane: string, outcome: SettleOutcome | undefined, now: number, ttlMs: number): Promise<string | undefined>;
  /** Every lane's head (used to re-create jobs a crash lost). */
  laneHeads(subscriber: string): Promise<{ lane: string; head: string }[]>;
  /** Queued (not yet delivered or failed) webhook deliveries per subscriber. */
  queueDepth(subscribers: readonly string[]): Promise<Map<string, number>>;
}

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

export function createFanoutStore(redis: RedisClient, options: { prefix: string }): FanoutStore {
  const scripts = {
    assign: defineScript(redis, 'conduitFanoutAssign', 6, ASSIGN),
    begin: defineScript(redis, 'conduitFanoutBegin', 1, BEGIN),
    failure: defineScript(redis, 'conduitFanoutFailure', 1, FAILURE),
    settle: defineScript(redis, 'conduitFanoutSettle', 4, SETTLE),
  };
  const keysOf = (subscriber: string) => fanoutKeys(options.prefix, subscriber);
  return {
    prefix: options.prefix,
    keys: keysOf,
    async assign(r) {
      const k = keysOf(r.subscriber);
      const lane = r.push?.lane ?? '';
      const fields = r.push ? fieldArgs(r.push.fields) : [];
      const reply = await guard(scripts.assign(k.sequence, k.pending, k.state(r.deliveryId), k.lane(lane), k.lanes, k.queued, r.deliveryId, r.push ? '1' : '0', lane, r.now, ...fields));
      const [seq, created, head] = reply as [number | string, number, string];
      return { sequence: Number(seq), created: created === 1, laneHead: head === '' ? undefined : head };
    },
    async release(subscriber, deliveryIds) {
      if (deliveryIds.length > 0) await guard(redis.hdel(keysOf(subscriber).pending, ...deliveryIds));
    },
    async begin(subscriber, deliveryId, maxAttempts, now) {
      const reply = (await guard(scripts.begin(keysOf(subscriber).state(deliveryId), maxAttempts, now))) as (string | number)[];
      const kind = String(reply[0]);
      if (kind === 'attempt' || kind === 'exhausted') {
        return { kind, delivery: toDelivery(subscriber, deliveryId, Number(reply[1]), pairs(reply.slice(2))) };
      }
      // Delivered, failed, or its state is gone (purged): nothing to attempt.
      return { kind: 'ended' };
    },
    async noteFailure(subscriber, deliveryId, failure, now) {
      await guard(scripts.failure(keysOf(subscriber).state(deliveryId), failure.code, failure.status ?? '', now));
    },
    async settle(subscriber, deliveryId, lane, outcome, now, ttlMs) {
      const k = keysOf(subscriber);
      const code = outcome?.kind === 'failed' ? outcome.code : '';
      const status = outcome?.status ?? '';
      const head = (await guard(scripts.settle(k.state(deliveryId), k.lane(lane), k.lanes, k.queued, deliveryId, lane, outcome?.kind ?? '', now, ttlMs, code, status))) as string;
      return head === '' ? undefined : head;
    },
    async laneHeads(subscriber) {
      const k = keysOf(subscriber);
      const lanes: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await guard(redis.sscan(k.lanes, cursor, 'COUNT', 500));
        cursor = next;
        lanes.push(...batch);
      } while (cursor !== '0');
      const out: { lane: string; head: string }[] = [];
      for (let i = 0; i < lanes.length; i += 500) {
        const slice = lanes.slice(i, i + 500);
        const heads = await guard(Promise.all(slice.map((lane) => redis.lindex(k.lane(lane), 0))));
        slice.forEach((lane, j) => {
          const head = heads[j];
          if (head) out.push({ lane, head });
        });
      }
      return out;
    },
    async queueDepth(subscribers) {
      const depths = new Map<string, number>();
      if (subscribers.length === 0) return depths;
      const values = await guard(Promise.all(subscribers.map((s) => redis.get(keysOf(s).queued))));
      subscribers.forEach((s, i) => depths.set(s, Math.max(0, Number(values[i] ?? 0))));
      return depths;
    },
  };
}

function defineScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): ScriptCall {
  // defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT (after a Redis restart or failover).
  redis.defineCommand(name, { numberOfKeys, lua });
  const fn = (redis as unknown as Record<string, ScriptCall>)[name];
  if (!fn) throw new Error(`ioredis did not define ${name}`);
  return fn.bind(redis);
}

/** Redis failures are retriable: the caller's Kafka batch or BullMQ job runs again. */
async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new ConduitError('CDT_REDIS_UNAVAILABLE', (err as Error).name, { cause: err });
  }
}

function fieldArgs(f: DeliveryFields): string[] {
  const out = [
    'eventId', f.eventId, 'body', f.body, 'correlationId', f.correlationId,
    'srcTopic', f.source.topic, 'srcPartition', String(f.source.partition), 'srcOffset', f.source.offset,
  ];
  if (f.key !== null) out.push('key', f.key);
  if (f.traceparent) out.push('traceparent', f.traceparent);
  if (f.replayId) out.push('replayId', f.replayId);
  return out;
}

function pairs(flat: readonly (string | number)[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), String(flat[i + 1]));
  return m;
}

function toDelivery(subscriber: string, deliveryId: string, attempts: number, f: Map<string, string>): StoredDelivery {
  const num = (name: string) => (f.has(name) ? Number(f.get(name)) : undefined);
  const traceparent = f.get('traceparent');
  const replayId = f.get('replayId');
  const firstFailureAt = num('firstFailureAt');
  const lastError = f.get('lastError');
  const lastStatus = num('lastStatus');
  return {
    subscriber,
    deliveryId,
    attempts,
    sequence: Number(f.get('seq')),
    lane: f.get('lane') ?? '',
    eventId: f.get('eventId') ?? '',
    body: f.get('body') ?? '',
    key: f.get('key') ?? null,
    source: { topic: f.get('srcTopic') ?? '', partition: Number(f.get('srcPartition') ?? 0), offset: f.get('srcOffset') ?? '' },
    correlationId: f.get('correlationId') ?? '',
    queuedAt: num('queuedAt') ?? 0,
    ...(traceparent ? { traceparent } : {}),
    ...(replayId ? { replayId } : {}),
    ...(firstFailureAt !== undefined ? { firstFailureAt } : {}),
    ...(lastError ? { lastError } : {}),
    ...(lastStatus !== undefined ? { lastStatus } : {}),
  };
}
