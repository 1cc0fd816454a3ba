import type { Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList, runStage } from '@conduit/bus';
import { createRecordValidators, deadLetterFor } from '@conduit/events';
import { serveMetrics } from '@conduit/http';
import { createLogger, type ConduitLogger } from '@conduit/log';
import { loadContracts } from '@conduit/projection';
import { createFanoutStore } from '@conduit/queue';
import { connectDlqSealer } from '@conduit/queue/dlq-sealer';
import { parseFanoutConfig } from './fanout-config.ts';
import { createFanoutHandler, createFanoutLedger, createSequencingPublisher, type FanoutRoute } from './fanout-handler.ts';
import { createFanoutMetrics } from './fanout-metrics.ts';
import { connectFanoutRedis } from './fanout-redis.ts';
import { hasPullChannel, provisionSubscriberTopics } from './subscriber-topics.ts';
import { startWebhookChannel } from './webhook-channel.ts';
import { resolveWebhookSettings } from './webhook-settings.ts';

export interface FanoutService {
  readonly logger: ConduitLogger;
  /** Prometheus text of this instance's metrics, queue depths freshly read. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<FanoutService> {
  const config = parseFanoutConfig(env);
  const contracts = loadContracts(config.CONDUIT_CONTRACTS_DIR).map((c) => c.contract);
  // Secrets and TLS material are read before anything connects: a missing one stops start-up.
  const webhooks = contracts.flatMap((c) => resolveWebhookSettings(c, env, config.CONDUIT_WEBHOOK_CA_FILE) ?? []);
  const logger = createLogger({ name: 'fanout', level: config.CONDUIT_LOG_LEVEL });
  const redis = await connectFanoutRedis(config, env, logger);
  const kafka = createKafkaClient({ brokers: parseBrokerList(config.KAFKA_BROKERS), clientId: config.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-fanout', logger });
  await provisionSubscriberTopics(kafka, contracts, config.CONDUIT_SUBSCRIBER_TOPIC_PARTITIONS);
  const publisher = await createPublisher(kafka);
  const dlq = connectDlqSealer('fanout', config, env);
  const metrics = createFanoutMetrics();
  const store = createFanoutStore(redis.commands, { prefix: config.CONDUIT_REDIS_PREFIX });
  const channels = webhooks.map((settings) => startWebhookChannel({
    settings, store, connection: redis.queues, publisher, metrics, logger,
    dlqTopic: config.CONDUIT_DLQ_TOPIC,
    sealer: dlq.sealer,
    lockDurationMs: config.CONDUIT_DELIVERY_LOCK_MS,
    stateTtlMs: config.CONDUIT_DELIVERY_STATE_TTL_MS,
    sweepIntervalMs: config.CONDUIT_LANE_SWEEP_MS,
  }));
  const routes = new Map<string, FanoutRoute>(contracts.map((c) => {
    const push = channels.find((ch) => ch.subscriber === c.id);
    return [c.id, { pull: hasPullChannel(c), ...(push ? { push } : {}) }];
  }));
  const ledger = createFanoutLedger();
  const stage = await runStage({
    kafka,
    groupId: config.CONDUIT_GROUP_ID,
    topics: [config.CONDUIT_INPUT_TOPIC],
    publisher: createSequencingPublisher(publisher, { store, ledger, logger, onDelivered: (s, ms) => metrics.delivered(s, 'kafka', ms) }),
    logger,
    handle: createFanoutHandler({ validators: createRecordValidators(), routes, store, ledger }),
    deadLetter: deadLetterFor('fanout', { topic: config.CONDUIT_DLQ_TOPIC, sealer: dlq.sealer }),
    partitionsConsumedConcurrently: config.CONDUIT_PARTITIONS_CONSUMED_CONCURRENTLY,
  });
  const render = async () => {
    for (const [s, depth] of await store.queueDepth(webhooks.map((w) => w.subscriber))) metrics.queueDepth(s, depth);
    return metrics.registry.render();
  };
  const server = config.CONDUIT_METRICS_PORT === undefined
    ? undefined
    : await serveMetrics({ metrics: { render, contentType: metrics.registry.contentType }, port: config.CONDUIT_METRICS_PORT, host: config.CONDUIT_METRICS_HOST, logger });
  logger.info({ subscribers: contracts.map((c) => c.id), webhooks: webhooks.map((w) => w.subscriber) }, 'fanout running');
  return {
    logger,
    metrics: render,
    async stop() {
      // Reverse order: stop taking input, let deliveries in flight finish (they may write the DLQ),
      // then close the publisher and Redis.
      await stage.stop();
      await Promise.all(channels.map((c) => c.close()));
      await server?.close();
      await publisher.disconnect();
      await Promise.all([redis.close(), dlq.close()]);
    },
  };
}
