import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, createPublisher, parseBrokerList, provisionTopics, readTopicUntil, type BusRecord, type Publisher, type ReadRecord } from '@conduit/bus';
import { SchemaIds, subscriberTopic, type DlqRecord, type ProjectedEvent } from '@conduit/events';
import { createLogger } from '@conduit/log';
import { createRedisClient, verifyWebhookSignature, type RedisClient } from '@conduit/queue';

export const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
export const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A test's own topics, Redis prefix, contracts folder and consumer group, so tests never collide. */
export interface FanoutFixture {
  readonly run: string;
  readonly inputTopic: string;
  readonly dlqTopic: string;
  readonly redisPrefix: string;
  readonly contractsDir: string;
  readonly kafka: ReturnType<typeof createKafkaClient>;
  readonly publisher: Publisher;
  readonly redis: RedisClient;
  /** The fanout environment for this fixture, plus extra variables (secrets, tuning). */
  env(extra?: Record<string, string>): Record<string, string>;
  produce(events: readonly ProjectedEvent[]): Promise<void>;
  read(topic: string, done: (seen: readonly ReadRecord[]) => boolean, timeoutMs?: number): Promise<ReadRecord[]>;
  readDlq(count: number, timeoutMs?: number): Promise<DlqRecord[]>;
  dispose(subscribers: readonly string[]): Promise<void>;
}

export async function createFanoutFixture(name: string): Promise<FanoutFixture> {
  const run = `${name}${randomUUID().slice(0, 6)}`;
  const inputTopic = `test.${run}.projected`;
  const dlqTopic = `test.${run}.dlq`;
  const redisPrefix = `test-${run}`;
  const contractsDir = mkdtempSync(join(tmpdir(), `conduit-${run}-`));
  const kafka = createKafkaClient({ brokers: parseBrokerList(kafkaBrokers), clientId: `test-${run}`, logger: createLogger({ name: 'test', level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [inputTopic, dlqTopic].map((t) => ({ name: t, partitions: 6, replicationFactor: -1, configs: { 'retention.ms': '3600000' } })));
  await admin.disconnect();
  const publisher = await createPublisher(kafka);
  const redis = createRedisClient({ url: redisUrl, connectionName: 'conduit-test', mode: 'fail-fast' });
  return {
    run, inputTopic, dlqTopic, redisPrefix, contractsDir, kafka, publisher, redis,
    env: (extra = {}) => ({
      KAFKA_BROKERS: kafkaBrokers,
      REDIS_URL: redisUrl,
      CONDUIT_REDIS_ALLOW_NO_PERSISTENCE: 'true',
      CONDUIT_REDIS_PREFIX: redisPrefix,
      CONDUIT_CONTRACTS_DIR: contractsDir,
      CONDUIT_GROUP_ID: `test-${run}-fanout`,
      CONDUIT_INPUT_TOPIC: inputTopic,
      CONDUIT_DLQ_TOPIC: dlqTopic,
      CONDUIT_SUBSCRIBER_TOPIC_PARTITIONS: '6',
      CONDUIT_LOG_LEVEL: 'warn',
      ...extra,
    }),
    async produce(events) {
      for (let i = 0; i < events.length; i += 2000) await publisher.publish(events.slice(i, i + 2000).map((e) => projectedRecord(inputTopic, e)));
    },
    read: (topic, done, timeoutMs = 60000) => readTopicUntil(kafka, topic, done, timeoutMs),
    async readDlq(count, timeoutMs = 30000) {
      const records = await readTopicUntil(kafka, dlqTopic, (seen) => seen.length >= count, timeoutMs);
      return records.map((r) => JSON.parse(r.value.toString('utf8')) as DlqRecord);
    },
    async dispose(subscribers) {
      await publisher.disconnect();
      const keys = await redis.keys(`${redisPrefix}:*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      redis.disconnect();
      const a = kafka.admin();
      await a.connect();
      await a.deleteTopics({ topics: [inputTopic, dlqTopic, ...subscribers.map(subscriberTopic)] }).catch(() => undefined);
      await a.disconnect();
      rmSync(contractsDir, { recursive: true, force: true });
    },
  };
}

/** The input record project would write: keyed by the global patient key, as project does. */
export function projectedRecord(topic: string, e: ProjectedEvent): BusRecord {
  return {
    topic,
    key: e.patientToken ? `pk-${e.patientToken}` : null,
    value: e,
    headers: { eventId: e.eventId, correlationId: e.sourceEventId, schema: SchemaIds.projected.name, schemaVersion: SchemaIds.projected.version },
  };
}

/** A projected event of a synthetic patient; the name is seeded PHI (scripts/lib/phi-scan.ts) so log scans would catch a leak. */
export function syntheticEvent(subscriber: string, n: number, patient: number, occurredAt = new Date().toISOString()): ProjectedEvent {
  return {
    eventId: randomUUID(),
    sourceEventId: `src-${n}`,
    eventType: 'patient-admitted',
    subscriber,
    purposeOfUse: 'TREAT',
    contractVersion: '1',
    occurredAt,
    patientToken: `tok-${patient}`,
    bundle: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: `urn:uuid:p-${patient}`, resource: { resourceType: 'Patient', id: `p-${patient}`, name: [{ family: 'EVERYWOMAN', given: ['EVE'] }], gender: 'female' } }],
    },
  };
}

export interface WebhookContract {
  readonly url: string;
  readonly secretRef: string;
  readonly [field: string]: unknown;
}

/** Writes a minimal valid contract; `pull` adds the Kafka channel. */
export function writeContract(dir: string, id: string, channels: { pull?: boolean; webhook?: WebhookContract }): void {
  const contract = {
    id, version: '1', owner: 'fanout tests', purposeOfUse: 'TREAT', events: {},
    projection: { allow: { Patient: ['gender'] } },
    channels: { ...(channels.pull ? { kafka: { retentionMs: 3600000 } } : {}), ...(channels.webhook ? { webhook: channels.webhook } : {}) },
  };
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(contract));
}

/** One request as a receiver saw it. */
export interface ReceivedRequest {
  readonly path: string;
  readonly eventId: string;
  readonly deliveryId: string;
  readonly sequence: number;
  readonly attempt: number;
  readonly body: Buffer;
  /** 'ok', or why the signature did not verify. */
  readonly signature: string;
  readonly status: number;
  readonly at: number;
  readonly clientCertificate?: string;
}

/** What a receiver answers: a status, optionally after a delay. `nth` counts this event's requests at this path. */
export type ReceiverBehaviour = (r: { eventId: string; nth: number; body: Buffer }) => { status: number; delayMs?: number };

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Resolves when `predicate` holds over the requests so far (checked on each request). */
  until(predicate: (requests: readonly ReceivedRequest[]) => boolean, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP(S) receiver on port 0 with keep-alive. Every request is verified with the secret of its
 * path, as a subscriber would; behaviour per path decides the answer.
 */
export async function startReceiver(o: {
  secrets: Readonly<Record<string, string>>;
  behaviours?: Readonly<Record<string, ReceiverBehaviour>>;
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; requestCert?: boolean };
}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const eventId = String(req.headers['conduit-event-id'] ?? '');
      const nth = (counts.get(`${path} ${eventId}`) ?? 0) + 1;
      counts.set(`${path} ${eventId}`, nth);
      const secret = o.secrets[path];
      const verified = secret === undefined ? { ok: false as const, reason: 'no secret' } : verifyWebhookSignature({ header: req.headers['conduit-signature'], body, secrets: secret });
      const answer = verified.ok ? (o.behaviours?.[path]?.({ eventId, nth, body }) ?? { status: 204 }) : { status: 401 };
      const peer = (req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }).getPeerCertificate?.();
      const respond = () => {
        requests.push({
          path, eventId, body, at: Date.now(), status: answer.status,
          deliveryId: String(req.headers['conduit-delivery-id'] ?? ''),
          sequence: Number(req.headers['conduit-sequence']),
          attempt: Number(req.headers['conduit-delivery-attempt']),
          signature: verified.ok ? 'ok' : verified.reason,
          ...(peer?.subject?.CN ? { clientCertificate: peer.subject.CN } : {}),
        });
        res.writeHead(answer.status).end();
        for (const w of waiters) w();
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  };
  const server = o.tls
    ? https.createServer({ key: o.tls.key, cert: o.tls.cert, ...(o.tls.ca ? { ca: o.tls.ca } : {}), requestCert: o.tls.requestCert ?? false, rejectUnauthorized: o.tls.requestCert ?? false }, handler)
    : http.createServer({ keepAlive: true }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    until(predicate, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(requests)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${requests.length} requests)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface TestPki {
  readonly dir: string;
  readonly ca: Buffer;
  readonly server: { key: Buffer; cert: Buffer };
  /** Client certificate and key in one PEM (what clientCertificateRef names). */
  readonly clientPemFile: string;
  /** A self-signed server certificate no configured authority vouches for. */
  readonly rogue: { key: Buffer; cert: Buffer };
}

/** Short-lived test certificates made with the openssl CLI (undefined when it is missing). */
export function createTestPki(): TestPki | undefined {
  if (spawnSync('openssl', ['version']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'conduit-pki-'));
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Conduit Test CA');
  for (const [name, ext, cn] of [['server', 'server.ext', '127.0.0.1'], ['client', 'client.ext', 'conduit-fanout-test']] as const) {
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext);
  }
  ssl('req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  const read = (f: string) => readFileSync(p(f));
  writeFileSync(p('client-bundle.pem'), Buffer.concat([read('client.pem'), read('client.key')]), { mode: 0o600 });
  return {
    dir,
    ca: read('ca.pem'),
    server: { key: read('server.key'), cert: read('server.pem') },
    clientPemFile: p('client-bundle.pem'),
    rogue: { key: read('rogue.key'), cert: read('rogue.pem') },
  };
}

/**
 * Polls a probe until it returns a value `accept` takes, or the time runs out (then returns the last
 * value, for the assertion to report). For outcomes recorded just after a receiver has answered.
 */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
