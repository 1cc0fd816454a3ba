import { createSecretKey } from 'node:crypto';
import type { Publisher } from '@conduit/bus';
import { sealedPayloadFitsDlq, type PayloadSealer } from '@conduit/events';
import type { ConduitLogger } from '@conduit/log';
import { createLaneQueue, retryDelayMs, toRateLimiter, type FanoutStore, type RedisClient } from '@conduit/queue';
import type { FanoutMetrics } from './fanout-metrics.ts';
import { webhookDeadLetter } from './webhook-dead-letter.ts';
import { classifyHttpResult } from './webhook-outcome.ts';
import { buildWebhookRequest } from './webhook-request.ts';
import { createWebhookSender } from './webhook-sender.ts';
import type { WebhookSettings } from './webhook-settings.ts';

export interface WebhookChannel {
  readonly subscriber: string;
  ensureHead(deliveryId: string, lane: string): Promise<void>;
  close(): Promise<void>;
}

export interface WebhookChannelDeps {
  readonly settings: WebhookSettings;
  readonly store: FanoutStore;
  readonly connection: RedisClient;
  readonly publisher: Publisher;
  readonly dlqTopic: string;
  /** Seals the dead-lettered body under a data key that lives the fanout stage's DLQ TTL. */
  readonly sealer: PayloadSealer;
  readonly metrics: FanoutMetrics;
  readonly logger: ConduitLogger;
  readonly lockDurationMs: number;
  readonly stateTtlMs: number;
  readonly sweepIntervalMs: number;
  readonly now?: () => number;
}

/** Retries back off up to 10 minutes each (longer only when a receiver asks, via Retry-After). */
const MAX_BACKOFF_MS = 600_000;

/** One subscriber's webhook: its BullMQ lane queue, HTTP sender, DLQ hand-off and metrics. */
export function startWebhookChannel(deps: WebhookChannelDeps): WebhookChannel {
  const s = deps.settings;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'webhook', subscriber: s.subscriber });
  const sender = createWebhookSender(s);
  const secret = createSecretKey(s.secret);
  const policy = { baseMs: s.backoffMs, maxMs: Math.max(MAX_BACKOFF_MS, s.backoffMs), jitter: 0.5 };
  const lanes = createLaneQueue({
    connection: deps.connection,
    store: deps.store,
    subscriber: s.subscriber,
    concurrency: s.concurrency,
    ...(s.rateLimit ? { rateLimit: toRateLimiter(s.rateLimit) } : {}),
    maxAttempts: s.maxAttempts,
    retryDelayMs: (attempt, retryAfterMs) => retryDelayMs(attempt, policy, retryAfterMs !== undefined ? { retryAfterMs } : {}),
    lockDurationMs: deps.lockDurationMs,
    stateTtlMs: deps.stateTtlMs,
    logger: deps.logger,
    now,
    async attempt(d) {
      const request = buildWebhookRequest(d, { format: s.format, secret, now: now() });
      return classifyHttpResult(await sender.post(request.body, request.headers), now());
    },
    async exhausted(d, failure) {
      const body = Buffer.from(d.body, 'utf8');
      const sealed = sealedPayloadFitsDlq(body.length) ? await deps.sealer.seal(body) : 'omitted';
      await deps.publisher.publish([webhookDeadLetter(d, failure, { topic: deps.dlqTopic, now: now(), sealed })]);
      log.warn({ code: failure.code, status: failure.status, eventId: d.eventId, sequence: d.sequence, attempts: d.attempts }, 'webhook delivery dead-lettered');
    },
    listener: {
      delivered: (d, at) => deps.metrics.delivered(s.subscriber, 'webhook', at - d.queuedAt),
      retried: (_d, failure) => deps.metrics.retried(s.subscriber, failure.code),
      failed: (_d, failure) => deps.metrics.failed(s.subscriber, 'webhook', failure.code),
    },
  });
  const sweep = () => lanes.sweep().catch((err: unknown) => log.error({ err }, 'lane sweep failed'));
  void sweep();
  const timer = setInterval(() => void sweep(), deps.sweepIntervalMs);
  timer.unref();
  return {
    subscriber: s.subscriber,
    ensureHead: (deliveryId, lane) => lanes.ensureHead(deliveryId, lane),
    async close() {
      clearInterval(timer);
      await lanes.close();
      sender.close();
    },
  };
}
