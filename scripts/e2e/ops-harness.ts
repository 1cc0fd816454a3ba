import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { createKafkaClient, parseBrokerList, provisionTopics, readTopicUntil, type ReadRecord } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { createRedisClient, type RedisClient } from '@conduit/queue';
import { signOpsToken } from '../lib/ops-token.ts';
import { repoRoot } from '../lib/paths.ts';
import { serviceEnv } from '../lib/service-env.ts';
import { spawnService, type ServiceProcess } from '../lib/service-process.ts';
import { waitForPort } from '../lib/wait-port.ts';
import { getFreePort } from './free-port.ts';

export const ISSUER = 'https://idp.test.conduit.dev';

export interface TokenOptions {
  readonly sub?: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  /** Seconds from now; negative for an expired token. */
  readonly expiresInS?: number;
  /** Sign with a key the API does not trust, under the trusted key's kid (a bad signature). */
  readonly forged?: boolean;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  // Tests read fields of the JSON answers they expect; each asserts their shape itself.
  readonly body: Record<string, unknown>;
}

export interface CliAnswer {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface OpsHarness {
  readonly url: string;
  readonly run: string;
  readonly topics: { readonly dlq: string; readonly audit: string; readonly inbox: string; readonly input: string };
  readonly redisPrefix: string;
  readonly kafka: ReturnType<typeof createKafkaClient>;
  readonly redis: RedisClient;
  readonly process: () => ServiceProcess;
  token(o?: TokenOptions): Promise<string>;
  api(method: 'GET' | 'POST', path: string, o?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer>;
  cli(args: readonly string[], o?: { token?: string; env?: Record<string, string> }): Promise<CliAnswer>;
  readTopic(topic: string, done: (seen: readonly ReadRecord[]) => boolean, timeoutMs?: number): Promise<ReadRecord[]>;
  /** Every Redis key under this run's prefix. */
  redisKeys(): Promise<string[]>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface OpsHarnessOptions {
  /** Extra ops environment (TTL, purge interval…). */
  readonly env?: Record<string, string>;
  /** Consumer-group prefix of a pipeline started beside ops (route health). */
  readonly groupPrefix?: string;
  readonly contractsDir?: string;
  /** DLQ topic retention (the TTL): Kafka deletes the segments after it. */
  readonly dlqRetentionMs?: number;
  /** Use the pipeline's real DLQ topic instead of a test topic. */
  readonly sharedDlq?: boolean;
}

/**
 * Starts the ops service as its own process on a free port, with topics, consumer groups, Redis
 * prefix and token keys of its own, so ops tests neither see nor disturb each other's state.
 */
export async function startOps(options: OpsHarnessOptions = {}): Promise<OpsHarness> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const run = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'conduit-ops-'));
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? dir;
  const topics = { dlq: `test.${run}.dlq`, audit: `test.${run}.audit`, inbox: `test.${run}.audit-inbox`, input: `test.${run}.in` };
  const kafka = createKafkaClient({ brokers: parseBrokerList(kafkaBrokers), clientId: 'conduit-ops-test', logger: createLogger({ name: 'ops-test', level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, [
      { name: topics.dlq, partitions: 3, replicationFactor: -1, configs: { 'retention.ms': String(options.dlqRetentionMs ?? 259200000), 'segment.ms': '1000', 'cleanup.policy': 'delete' } },
      { name: topics.audit, partitions: 1, replicationFactor: -1, configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } },
      { name: topics.inbox, partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } },
      { name: topics.input, partitions: 3, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } },
    ]);
  } finally {
    await admin.disconnect();
  }

  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const forger = await generateKeyPair('ES256');
  const kid = `test-${run}`;
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));

  const port = await getFreePort();
  const redisPrefix = `test:${run}`;
  const env = {
    ...serviceEnv('ops', { kafkaBrokers, mllpPort: 1, groupPrefix: options.groupPrefix ?? `test-${run}`, redisUrl, redisPrefix, ...(options.contractsDir ? { contractsDir: options.contractsDir } : {}), ops: { port, jwksFile, issuer: ISSUER } }),
    ...(options.sharedDlq ? {} : { CONDUIT_DLQ_TOPIC: topics.dlq }),
    CONDUIT_AUDIT_TOPIC: topics.audit,
    CONDUIT_AUDIT_INBOX_TOPIC: topics.inbox,
    CONDUIT_DLQ_INDEX_GROUP: `test-${run}-ops-dlq-index`,
    CONDUIT_AUDIT_CHAINER_GROUP: `test-${run}-ops-audit-chainer`,
    CONDUIT_OPS_PROBES: 'none',
    ...(options.env ?? {}),
  };
  let proc: ServiceProcess;
  const launch = async () => {
    proc = spawnService('ops', env, join(logDir, `ops-${run}.log`));
    await waitForPort('127.0.0.1', port, 30000);
  };
  await launch();
  const redis = createRedisClient({ url: redisUrl, connectionName: 'conduit-ops-test', mode: 'fail-fast' });
  const url = `http://127.0.0.1:${port}`;
  const redisKeys = async (): Promise<string[]> => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  };


  return {
    url,
    run,
    topics,
    redisPrefix,
    kafka,
    redis,
    process: () => proc,
    token(o = {}) {
      return signOpsToken((o.forged ? forger.privateKey : privateKey) as CryptoKey, kid, {
        issuer: ISSUER, sub: o.sub ?? 'alice@hospital.test', clientId: 'ops-test', expiresInS: o.expiresInS ?? 300,
        ...(o.scopes ? { scopes: o.scopes } : {}), ...(o.roles ? { roles: o.roles } : {}),
      });
    },
    async api(method, path, o = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.headers ?? {}) },
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    },
    cli(args, o = {}) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [join(repoRoot, 'services/ops/src/cli.ts'), ...args], {
          env: { PATH: process.env['PATH'] ?? '', CONDUIT_OPS_URL: url, ...(o.token ? { CONDUIT_OPS_TOKEN: o.token } : {}), ...(o.env ?? {}) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    readTopic: (topic, done, timeoutMs = 30000) => readTopicUntil(kafka, topic, done, timeoutMs),
    redisKeys,
    async restart() {
      await proc.stop();
      await launch();
    },
    async stop() {
      await proc.stop();
      const keys = await redisKeys();
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      const a = kafka.admin();
      await a.connect();
      await a.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await a.disconnect();
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
