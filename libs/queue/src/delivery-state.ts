import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.ts';
import { fanoutKeys } from './fanout-keys.ts';

export type DeliveryStatus = 'queued' | 'delivered' | 'failed';

/** One event's webhook delivery to one subscriber, as the ops service shows it. No payload. */
export interface DeliveryState {
  readonly subscriber: string;
  readonly eventId: string;
  readonly deliveryId: string;
  readonly sequence: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly lastAttemptAt?: string;
  readonly deliveredAt?: string;
  readonly failedAt?: string;
  /** Catalogued error code of the last failed attempt (kept after a later success). */
  readonly lastError?: string;
  readonly lastResponseStatus?: number;
}

/**
 * The delivery id of an event for one subscriber: the event id itself, or, for a replayed event, a
 * UUID-shaped hash of event id and replay id, so a replay is delivered again rather than taken for
 * a duplicate of the original delivery.
 */
export function deliveryIdFor(eventId: string, replayId?: string): string {
  if (!replayId) return eventId;
  const h = createHash('sha256').update(`${eventId}\u0000${replayId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Reads the state of one webhook delivery (for the ops API). Undefined when fanout never queued it
 * or its state expired (CONDUIT_DELIVERY_STATE_TTL_MS after it ended). The pull channel keeps no
 * per-event state: its evidence is the subscriber topic and its sequence numbers.
 */
export async function readDeliveryState(
  redis: RedisClient,
  query: { readonly prefix: string; readonly subscriber: string; readonly eventId: string; readonly replayId?: string },
): Promise<DeliveryState | undefined> {
  const deliveryId = deliveryIdFor(query.eventId, query.replayId);
  const names = ['seq', 'status', 'attempts', 'eventId', 'queuedAt', 'lastAttemptAt', 'deliveredAt', 'failedAt', 'lastError', 'lastStatus'] as const;
  const values = await redis.hmget(fanoutKeys(query.prefix, query.subscriber).state(deliveryId), ...names);
  const f = new Map(names.map((n, i) => [n, values[i] ?? undefined]));
  const status = f.get('status');
  if (status !== 'queued' && status !== 'delivered' && status !== 'failed') return undefined;
  const iso = (name: (typeof names)[number]) => {
    const v = f.get(name);
    return v ? { [name]: new Date(Number(v)).toISOString() } : {};
  };
  const lastError = f.get('lastError');
  const lastStatus = f.get('lastStatus');
  return {
    subscriber: query.subscriber,
    eventId: f.get('eventId') ?? query.eventId,
    deliveryId,
    sequence: Number(f.get('seq')),
    status,
    attempts: Number(f.get('attempts') ?? 0),
    queuedAt: new Date(Number(f.get('queuedAt'))).toISOString(),
    ...iso('lastAttemptAt'),
    ...iso('deliveredAt'),
    ...iso('failedAt'),
    ...(lastError ? { lastError } : {}),
    ...(lastStatus ? { lastResponseStatus: Number(lastStatus) } : {}),
  };
}

/** Webhook deliveries queued (not yet delivered or failed) for one subscriber. */
export async function readQueueDepth(redis: RedisClient, query: { readonly prefix: string; readonly subscriber: string }): Promise<number> {
  return Math.max(0, Number((await redis.get(fanoutKeys(query.prefix, query.subscriber).queued)) ?? 0));
}
