import { readFileSync } from 'node:fs';
import { readOptionalSecret, type Env } from '@conduit/config';
import { createKafkaClient, createPublisher, parseBrokerList } from '@conduit/bus';
import { createAuditWriter } from '@conduit/audit';
import { createPayloadSealer, createRecordValidators, Topics } from '@conduit/events';
import { createLogger, type ConduitLogger } from '@conduit/log';
import {
  createDlqIndexStore, createPurgeLog, createRedisClient, createRedisDataKeyStore, createReplayStore, opsKeys, startJobRunner, startRecurringJob,
} from '@conduit/queue';
import { parseOpsConfig } from './config.ts';
import { assertTopicsExist } from './check-topics.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { startAuditChainer } from './audit/chainer.ts';
import { startDlqIndexer } from './dlq/dlq-indexer.ts';
import { createDlqOperations } from './dlq/dlq-operations.ts';
import { createTtlPurge, type PurgeSummary } from './dlq/ttl-purge.ts';
import { checkRouteHealth } from './health/route-health.ts';
import { createOpsApi } from './http/api.ts';
import { runReplay } from './replay/replay-runner.ts';
import { createReplayService } from './replay/replay-service.ts';
import type { ReplaySpec } from './replay/replay-spec.ts';
import type { ReplayPlan } from './replay/replay-plan.ts';

export interface OpsService {
  readonly port: number;
  readonly logger: ConduitLogger;
  stop(): Promise<void>;
}

export async function main(env: Env = process.env): Promise<OpsService> {
  const config = parseOpsConfig(env);
  const e = config.env;
  const logger = createLogger({ name: 'ops', level: e.CONDUIT_LOG_LEVEL });
  const kafka = createKafkaClient({ brokers: parseBrokerList(e.KAFKA_BROKERS), clientId: e.CONDUIT_KAFKA_CLIENT_ID ?? 'conduit-ops', logger });
  await assertTopicsExist(kafka, [e.CONDUIT_DLQ_TOPIC, e.CONDUIT_AUDIT_TOPIC, e.CONDUIT_AUDIT_INBOX_TOPIC]);
  // Audit and retries get their own producer, so a replay's large writes never delay an audit entry.
  const publisher = await createPublisher(kafka);
  const replayPublisher = await createPublisher(kafka);
  const password = readOptionalSecret(env, 'CONDUIT_REDIS_PASSWORD')?.toString('utf8');
  const redis = createRedisClient({ url: e.REDIS_URL, connectionName: 'conduit-ops', mode: 'fail-fast', ...(password ? { password } : {}) });
  const jobRedis = createRedisClient({ url: e.REDIS_URL, connectionName: 'conduit-ops-jobs', mode: 'wait', ...(password ? { password } : {}) });
  const prefix = e.CONDUIT_REDIS_PREFIX;
  const keys = createRedisDataKeyStore(redis, { prefix });
  const dlqIndex = createDlqIndexStore(redis, { prefix, graceMs: Math.max(60000, 3 * e.CONDUIT_PURGE_INTERVAL_MS) });
  const replayStore = createReplayStore<ReplaySpec, ReplayPlan>(redis, { prefix });
  const purgeLog = createPurgeLog<PurgeSummary>(redis, { prefix });
  const audit = createAuditWriter({ publisher, service: 'ops', topic: e.CONDUIT_AUDIT_INBOX_TOPIC });

  const chainer = await startAuditChainer({ kafka, publisher, inboxTopic: e.CONDUIT_AUDIT_INBOX_TOPIC, chainTopic: e.CONDUIT_AUDIT_TOPIC, groupId: e.CONDUIT_AUDIT_CHAINER_GROUP, logger });
  const indexer = await startDlqIndexer({
    kafka, publisher, topic: e.CONDUIT_DLQ_TOPIC, groupId: e.CONDUIT_DLQ_INDEX_GROUP, validators: createRecordValidators(), store: dlqIndex, keys,
    sealer: (ttlMs) => createPayloadSealer({ keys, ttlMs }), ttlFor: config.ttlFor, logger,
  });
  const runPurge = createTtlPurge({ store: dlqIndex, audit, logger, record: (s) => purgeLog.add(s) });
  const bullPrefix = opsKeys(prefix).bullPrefix;
  const purgeJob = await startRecurringJob({ connection: jobRedis, bullPrefix, name: 'conduit-ops-dlq-purge', everyMs: e.CONDUIT_PURGE_INTERVAL_MS, run: async () => void (await runPurge()), logger });
  const replayDeps = {
    kafka, publisher: replayPublisher, store: replayStore, dlq: dlqIndex, logger,
    topics: { raw: Topics.raw, canonical: Topics.canonical, subscriber: Topics.projected },
  };
  const replayJobs = startJobRunner<{ readonly replayId: string }>({
    connection: jobRedis, bullPrefix, name: 'conduit-ops-replay', concurrency: e.CONDUIT_REPLAY_CONCURRENCY, logger,
    process: (data, { signal }) => runReplay(replayDeps, data.replayId, signal),
  });

  const app = createOpsApi({
    logger,
    verifier: createTokenVerifier({
      ...(e.CONDUIT_OPS_JWKS_FILE ? { jwksFile: e.CONDUIT_OPS_JWKS_FILE } : { jwksUrl: e.CONDUIT_OPS_JWKS_URL ?? '' }),
      issuer: e.CONDUIT_OPS_ISSUER, audience: e.CONDUIT_OPS_AUDIENCE, algorithms: config.algorithms,
      clockToleranceS: e.CONDUIT_OPS_CLOCK_TOLERANCE_S, roles: config.roles, rolesClaim: e.CONDUIT_OPS_ROLES_CLAIM,
    }),
    audit, kafka, auditTopic: e.CONDUIT_AUDIT_TOPIC,
    dlq: createDlqOperations({ store: dlqIndex, keys, publisher }),
    replays: createReplayService({
      store: replayStore, jobs: replayJobs,
      limits: () => ({ defaultRate: e.CONDUIT_REPLAY_RATE_PER_SECOND, maxRate: e.CONDUIT_REPLAY_MAX_RATE_PER_SECOND, now: Date.now() }),
    }),
    health: () => checkRouteHealth({ kafka, groups: config.groups, probes: config.probes, dlqTopic: e.CONDUIT_DLQ_TOPIC, dlqTtlMs: e.CONDUIT_DLQ_TTL_MS }),
    ...(e.CONDUIT_CONTRACTS_DIR ? { contractsDir: e.CONDUIT_CONTRACTS_DIR } : {}),
    purgeLog, runPurge,
    ...(e.CONDUIT_OPS_TLS_CERT_FILE && e.CONDUIT_OPS_TLS_KEY_FILE
      ? { https: { cert: readFileSync(e.CONDUIT_OPS_TLS_CERT_FILE), key: readFileSync(e.CONDUIT_OPS_TLS_KEY_FILE) } }
      : {}),
  });
  await app.listen({ host: e.CONDUIT_OPS_HOST, port: e.CONDUIT_OPS_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : e.CONDUIT_OPS_PORT;
  logger.info({ port }, 'ops api listening');
  return {
    port,
    logger,
    async stop() {
      await app.close();
      await replayJobs.close();
      await purgeJob.close();
      await indexer.stop();
      await chainer.stop();
      await replayPublisher.disconnect();
      await publisher.disconnect();
      await Promise.all([redis.quit(), jobRedis.quit()]);
    },
  };
}
