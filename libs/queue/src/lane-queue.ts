import { Queue, Worker, type Job } from 'bullmq';
import type { ConduitLogger } from '@conduit/log';
import type { RedisClient } from './redis-client.ts';
import type { FanoutStore, StoredDelivery } from './fanout-store.ts';

/** The result of one delivery attempt, as the channel (webhook) classified it. */
export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly code: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly kind: 'fail'; readonly code: string; readonly status?: number };

export interface DeliveryFailure {
  readonly code: string;
  readonly status?: number;
}

/** Typed events for metrics (BullMQ's WorkerListener style). */
export interface LaneQueueListener {
  delivered?(delivery: StoredDelivery, at: number): void;
  retried?(delivery: StoredDelivery, failure: DeliveryFailure): void;
  failed?(delivery: StoredDelivery, failure: DeliveryFailure): void;
}

export interface LaneQueueOptions {
  /** A connection in 'wait' mode (maxRetriesPerRequest: null), as BullMQ workers require. */
  readonly connection: RedisClient;
  readonly store: FanoutStore;
  readonly subscriber: string;
  readonly concurrency: number;
  /** Per subscriber: one queue per subscriber, since open-source BullMQ limits per queue. */
  readonly rateLimit?: { readonly max: number; readonly durationMs: number };
  readonly maxAttempts: number;
  readonly retryDelayMs: (attempt: number, retryAfterMs: number | undefined) => number;
  /** BullMQ lock; a crashed worker's job is taken over once it expires (stalled-job check). */
  readonly lockDurationMs: number;
  /** How long the state of an ended delivery stays readable. */
  readonly stateTtlMs: number;
  /** Makes one delivery attempt. */
  readonly attempt: (delivery: StoredDelivery) => Promise<AttemptOutcome>;
  /** Called once a delivery is given up (DLQ); must have stored the evidence when it resolves. */
  readonly exhausted: (delivery: StoredDelivery, failure: DeliveryFailure) => Promise<void>;
  readonly listener?: LaneQueueListener;
  readonly logger: ConduitLogger;
  readonly now?: () => number;
}

export interface LaneQueue {
  readonly subscriber: string;
  /** Makes sure the delivery at a lane's head has a job (a no-op when it already has one). */
  ensureHead(deliveryId: string, lane: string): Promise<void>;
  /** Re-creates the jobs of lane heads that lost theirs (a crash between two steps); returns lanes seen. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

interface LaneJob {
  readonly lane: string;
}

/** Thrown to let BullMQ schedule the next attempt; carries what the backoff needs. */
class RetryLater extends Error {
  readonly attempt: number;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, attempt: number, retryAfterMs: number | undefined) {
    // The message is a code: BullMQ stores it in Redis as the job's failedReason.
    super(code);
    this.name = 'RetryLater';
    this.attempt = attempt;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The attempt limit lives in the delivery state (it survives stalled jobs and re-created jobs), so
 * BullMQ itself must never give up on a job: it only schedules the backoff between attempts.
 */
const BULLMQ_ATTEMPTS = 1_000_000;
const BACKOFF_TYPE = 'conduit-lane';

/**
 * Ordered delivery per patient on BullMQ. Each patient's deliveries wait in a Redis list (its lane);
 * only the head of a lane has a BullMQ job, so one patient's events are delivered strictly in order
 * while other lanes run in parallel up to `concurrency`. A head that keeps failing sits in BullMQ's
 * delayed set during its backoff, holding neither a worker slot nor the other lanes. When a head
 * ends (delivered, or given up to the DLQ), the settle script pops it and this worker adds the job of
 * the next head. Jobs carry only the lane; the body stays in the delivery state.
 *
 * Crash safety: every step is idempotent. A job re-run after a crash finds its delivery already
 * ended and only advances the lane; a lane whose next job was never added is found by sweep().
 */
export function createLaneQueue(o: LaneQueueOptions): LaneQueue {
  const log = o.logger.child({ component: 'lane-queue', subscriber: o.subscriber });
  const now = o.now ?? Date.now;
  const name = `webhook.${o.subscriber}`;
  const prefix = `${o.store.prefix}:bull`;
  const queue = new Queue<LaneJob>(name, { connection: o.connection, prefix });
  queue.on('error', (err) => log.error({ err }, 'queue error'));

  async function ensureHead(deliveryId: string, lane: string): Promise<void> {
    // A job id that exists is not added again (BullMQ custom job ids), so this is safe to repeat.
    await queue.add('deliver', { lane }, {
      jobId: deliveryId,
      attempts: BULLMQ_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: true,
      removeOnFail: true,
      stackTraceLimit: 0,
    });
  }

  async function advance(deliveryId: string, lane: string, outcome: Parameters<FanoutStore['settle']>[3]): Promise<void> {
    const head = await o.store.settle(o.subscriber, deliveryId, lane, outcome, now(), o.stateTtlMs);
    if (head) await ensureHead(head, lane);
  }

  async function giveUp(d: StoredDelivery, failure: DeliveryFailure): Promise<void> {
    // The DLQ record first: if it cannot be written, the job fails and runs again later.
    await o.exhausted(d, failure);
    await advance(d.deliveryId, d.lane, { kind: 'failed', code: failure.code, ...(failure.status !== undefined ? { status: failure.status } : {}) });
    o.listener?.failed?.(d, failure);
  }

  async function process(job: Job<LaneJob>): Promise<void> {
    const deliveryId = job.id ?? '';
    const lane = job.data.lane;
    const begun = await o.store.begin(o.subscriber, deliveryId, o.maxAttempts, now());
    if (begun.kind === 'ended') {
      await advance(deliveryId, lane, undefined);
      return;
    }
    const d = begun.delivery;
    if (begun.kind === 'exhausted') {
      // Attempts ran out earlier (the DLQ write failed then, or crashes cut attempts short, which
      // count but record no error: CDT_INTERNAL says so).
      await giveUp(d, { code: d.lastError ?? 'CDT_INTERNAL', ...(d.lastStatus !== undefined ? { status: d.lastStatus } : {}) });
      return;
    }
    const outcome = await o.attempt(d);
    if (outcome.kind === 'delivered') {
      await advance(deliveryId, lane, { kind: 'delivered', status: outcome.status });
      o.listener?.delivered?.(d, now());
      return;
    }
    const failure: DeliveryFailure = { code: outcome.code, ...(outcome.status !== undefined ? { status: outcome.status } : {}) };
    await o.store.noteFailure(o.subscriber, deliveryId, failure, now());
    if (outcome.kind === 'fail' || d.attempts >= o.maxAttempts) {
      await giveUp({ ...d, firstFailureAt: d.firstFailureAt ?? now() }, failure);
      return;
    }
    o.listener?.retried?.(d, failure);
    throw new RetryLater(outcome.code, d.attempts, outcome.retryAfterMs);
  }

  const worker = new Worker<LaneJob>(name, process, {
    connection: o.connection,
    prefix,
    concurrency: o.concurrency,
    ...(o.rateLimit ? { limiter: { max: o.rateLimit.max, duration: o.rateLimit.durationMs } } : {}),
    lockDuration: o.lockDurationMs,
    stalledInterval: o.lockDurationMs,
    // A stalled job is re-run safely (see above); BullMQ's default of 1 would fail it on the second
    // stall and leave its lane to the sweep.
    maxStalledCount: 10,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
        err instanceof RetryLater ? o.retryDelayMs(err.attempt, err.retryAfterMs) : o.retryDelayMs(attemptsMade, undefined),
    },
  });
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (!(err instanceof RetryLater)) log.warn({ err, deliveryId: job?.id }, 'delivery job failed; it runs again after its backoff');
  });

  return {
    subscriber: o.subscriber,
    ensureHead,
    async sweep() {
      const heads = await o.store.laneHeads(o.subscriber);
      for (const { lane, head } of heads) await ensureHead(head, lane);
      return heads.length;
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
