import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, deriveEventId, parseBrokerList, provisionTopics, readTopicUntil, type ReadRecord } from '@conduit/bus';
import type { RawMessageRecord } from '@conduit/events';
import { parseHl7 } from '@conduit/hl7v2';
import { createLogger } from '@conduit/log';
import { main, type IngestService } from './main.ts';

/*
 * Test support: one in-process ingest service against the real broker and Redis, with a raw
 * topic, a dedupe key prefix and a metrics port of its own, and its log lines captured so tests
 * can scan them for PHI.
 */

export interface IngestUnderTest {
  readonly service: IngestService;
  readonly topic: string;
  readonly logs: string[];
  readonly dir: string;
  port(listener: string): number;
  /** Every record in the test's raw topic, read up to the high watermark (exact counts). */
  records(): Promise<{ record: ReadRecord; value: RawMessageRecord }[]>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startIngest(options: { listeners?: unknown[]; env?: Record<string, string> } = {}): Promise<IngestUnderTest> {
  const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const run = randomUUID().slice(0, 8);
  const topic = `test.${run}.raw`;
  const dir = mkdtempSync(join(tmpdir(), 'conduit-ingest-test-'));
  const kafka = createKafkaClient({ brokers: parseBrokerList(brokers), clientId: `ingest-test-${run}`, logger: createLogger({ name: 'ingest-test', level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ name: topic, partitions: 3, replicationFactor: -1, configs: { 'retention.ms': '3600000', 'max.message.bytes': '10485760' } }]);
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    CONDUIT_PATIENT_KEY: 'test-patient-key-0123456789',
    CONDUIT_RAW_TOPIC: topic,
    CONDUIT_DEDUPE_PREFIX: `test:${run}:dedupe`,
    CONDUIT_METRICS_HOST: '127.0.0.1',
    CONDUIT_METRICS_PORT: '0',
    // Debug level: the PHI scan should see everything ingest could ever log.
    CONDUIT_LOG_LEVEL: 'debug',
    ...(options.listeners ? {} : { CONDUIT_MLLP_HOST: '127.0.0.1', CONDUIT_MLLP_PORT: '0' }),
    ...options.env,
  };
  if (options.listeners) {
    const file = join(dir, 'listeners.json');
    writeFileSync(file, JSON.stringify({ listeners: options.listeners }));
    env['CONDUIT_LISTENERS_FILE'] = file;
  }
  const logs: string[] = [];
  const service = await main(env, { logDestination: { write: (line: string) => void logs.push(line) } });
  return {
    service,
    topic,
    logs,
    dir,
    port(listener) {
      const p = service.ports.get(listener);
      if (p === undefined) throw new Error(`no listener ${listener}`);
      return p;
    },
    async records() {
      const offsets = await admin.fetchTopicOffsets(topic);
      const total = offsets.reduce((n, o) => n + Number(o.high), 0);
      if (total === 0) return [];
      const read = await readTopicUntil(kafka, topic, (seen) => seen.length >= total, 30000);
      return read.map((record) => ({ record, value: JSON.parse(record.value.toString('utf8')) as RawMessageRecord }));
    },
    async metrics() {
      const res = await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`);
      return res.text();
    },
    async stop() {
      await service.stop();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AdtOptions {
  readonly controlId?: string;
  readonly application?: string;
  readonly facility?: string;
  readonly processingId?: string;
  readonly type?: string;
  readonly acceptAck?: string;
  readonly applicationAck?: string;
  readonly charset?: string;
  /** PID-5; empty to make the message invalid (PID-5 is required). */
  readonly name?: string;
  readonly extra?: readonly string[];
}

/** An ADT^A01 carrying the seeded PHI (scripts/lib/phi-scan.ts), with a fresh control id. */
export function adt(o: AdtOptions = {}): { text: string; controlId: string; eventId: string } {
  const controlId = o.controlId ?? `T${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  const application = o.application ?? 'EPIC';
  const facility = o.facility ?? 'GOODHEALTH';
  const text = [
    `MSH|^~\\&|${application}|${facility}|CONDUIT|CONDUIT|20261122083000-0500||${o.type ?? 'ADT^A01^ADT_A01'}|${controlId}|${o.processingId ?? 'P'}|2.5.1|||${o.acceptAck ?? ''}|${o.applicationAck ?? ''}||${o.charset ?? ''}`,
    'EVN|A01|20261122083000-0500',
    `PID|1||MRN78123456^^^GOODHEALTH^MR~999-12-3456^^^USSSA^SS||${o.name ?? 'EVERYWOMAN^EVE^E^^^^L'}||19620320|F|||2222 HOME STREET^^GREENSBORO^NC^27401-1020^USA^H||^PRN^PH^^1^555^5552004`,
    'PV1|1|I|2000^2012^01^GOODHEALTH||||004777^ATTEND^AARON^A|||SUR||||ADM|A0',
    ...(o.extra ?? []),
  ].join('\r') + '\r';
  return { text, controlId, eventId: deriveEventId(application, facility, controlId) };
}

/** MSA-1, MSA-2, ERR-5.1 (our catalog code) and ERR-2 (location) of an ACK. */
export function readAck(text: string): { code: string | undefined; controlId: string | undefined; error: string; location: string } {
  const ack = parseHl7(text);
  const err = ack.segment('ERR');
  return { code: ack.segment('MSA')?.get(1), controlId: ack.segment('MSA')?.get(2), error: err?.get(5, 1, 1) ?? '', location: err?.rawField(2) ?? '' };
}
