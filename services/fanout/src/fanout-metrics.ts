import { createMetricsRegistry, type MetricsRegistry } from '@conduit/metrics';

export type Channel = 'kafka' | 'webhook';

/** Delivery metrics; labels are subscriber ids, channels and catalogued codes only. */
export interface FanoutMetrics {
  readonly registry: MetricsRegistry;
  delivered(subscriber: string, channel: Channel, latencyMs: number): void;
  retried(subscriber: string, code: string): void;
  failed(subscriber: string, channel: Channel, code: string): void;
  queueDepth(subscriber: string, depth: number): void;
}

export function createFanoutMetrics(): FanoutMetrics {
  const registry = createMetricsRegistry('fanout');
  const delivered = registry.counter('conduit_fanout_delivered_total', 'Events delivered: on the subscriber topic (kafka) or answered 2xx (webhook).', ['subscriber', 'channel']);
  const retried = registry.counter('conduit_fanout_retried_total', 'Webhook attempts that failed and will be retried.', ['subscriber', 'code']);
  const failed = registry.counter('conduit_fanout_failed_total', 'Deliveries given up and sent to the DLQ.', ['subscriber', 'channel', 'code']);
  const latency = registry.histogram(
    'conduit_fanout_delivery_latency_seconds',
    'From the projected record (kafka) or the queued delivery (webhook) to delivered.',
    ['subscriber', 'channel'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  );
  const depth = registry.gauge('conduit_fanout_queue_depth', 'Webhook deliveries queued, not yet delivered or failed.', ['subscriber']);
  return {
    registry,
    delivered(subscriber, channel, latencyMs) {
      delivered.inc({ subscriber, channel });
      latency.observe({ subscriber, channel }, Math.max(0, latencyMs) / 1000);
    },
    retried: (subscriber, code) => retried.inc({ subscriber, code }),
    failed: (subscriber, channel, code) => failed.inc({ subscriber, channel, code }),
    queueDepth: (subscriber, value) => depth.set({ subscriber }, value),
  };
}
