import { connect } from 'node:net';
import { describeGroupLag, describeTopicConfig } from '@conduit/bus';
import type { KafkaClient } from '../kafka-client.ts';

export interface ConsumerHealth {
  readonly service: string;
  readonly groupId: string;
  /** A group with members is consuming; Empty or Dead means no instance of the stage runs. */
  readonly alive: boolean;
  readonly state: string;
  readonly members: number;
  readonly lag: number;
  readonly topics: readonly { readonly topic: string; readonly lag: number }[];
}

export interface ListenerHealth {
  readonly service: string;
  readonly address: string;
  readonly alive: boolean;
  readonly latencyMs: number | null;
}

/**
 * Whether Kafka itself deletes failed messages in time: the DLQ topic's retention.ms must equal
 * the longest TTL and its segment.ms be short, so data is gone within TTL plus one segment.
 */
export interface DlqRetentionHealth {
  readonly topic: string;
  readonly ttlMs: number;
  readonly retentionMs: number | null;
  readonly segmentMs: number | null;
  /** The latest Kafka deletes a failed record: retention plus one segment. */
  readonly deletedWithinMs: number | null;
  readonly ok: boolean;
}

export interface RouteHealth {
  readonly checkedAt: string;
  readonly ok: boolean;
  readonly consumers: readonly ConsumerHealth[];
  readonly listeners: readonly ListenerHealth[];
  readonly dlqRetention: DlqRetentionHealth;
}

function probe(host: string, port: number, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok ? Math.round(performance.now() - started) : null);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface RouteHealthOptions {
  readonly kafka: KafkaClient;
  readonly groups: readonly { readonly service: string; readonly groupId: string }[];
  readonly probes: readonly { readonly service: string; readonly host: string; readonly port: number }[];
  readonly probeTimeoutMs?: number;
  readonly dlqTopic: string;
  /** The longest failed-message TTL. */
  readonly dlqTtlMs: number;
}

/** Each stage's liveness and lag as the broker sees its consumer group, and each listener's TCP answer. */
export async function checkRouteHealth(o: RouteHealthOptions): Promise<RouteHealth> {
  const [lags, answers, dlqConfig] = await Promise.all([
    describeGroupLag(o.kafka, o.groups.map((g) => g.groupId)),
    Promise.all(o.probes.map((p) => probe(p.host, p.port, o.probeTimeoutMs ?? 1000))),
    describeTopicConfig(o.kafka, o.dlqTopic, ['retention.ms', 'segment.ms']),
  ]);
  const retentionMs = dlqConfig['retention.ms'] ? Number(dlqConfig['retention.ms']) : null;
  const segmentMs = dlqConfig['segment.ms'] ? Number(dlqConfig['segment.ms']) : null;
  const dlqRetention: DlqRetentionHealth = {
    topic: o.dlqTopic,
    ttlMs: o.dlqTtlMs,
    retentionMs,
    segmentMs,
    deletedWithinMs: retentionMs !== null && segmentMs !== null && retentionMs >= 0 ? retentionMs + segmentMs : null,
    // A segment at most a tenth of the TTL keeps the overshoot small.
    ok: retentionMs === o.dlqTtlMs && segmentMs !== null && segmentMs <= o.dlqTtlMs / 10,
  };
  const consumers = o.groups.map((g, i): ConsumerHealth => {
    const lag = lags[i]!;
    return { service: g.service, groupId: g.groupId, alive: lag.members > 0, state: lag.state, members: lag.members, lag: lag.lag, topics: lag.topics };
  });
  const listeners = o.probes.map((p, i): ListenerHealth => ({ service: p.service, address: `${p.host}:${p.port}`, alive: answers[i] !== null, latencyMs: answers[i] ?? null }));
  return {
    checkedAt: new Date().toISOString(),
    ok: consumers.every((c) => c.alive) && listeners.every((l) => l.alive) && dlqRetention.ok,
    consumers,
    listeners,
    dlqRetention,
  };
}
