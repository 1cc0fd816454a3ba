// Usage: node_modules/.bin/node scripts/bench/ingest.ts   (KAFKA_BROKERS, REDIS_URL as for the tests)
//
// MLLP ingest with the ACK sent only after Kafka acknowledged the write (acks=-1, idempotent
// producer), measured from a separate load-generating process the way EHR interfaces send: one
// connection sending serially and waiting for each ACK, then 8 such connections in parallel.
// Beside it, a bare kafkajs producer with the same settings writes the same payloads from the
// same number of writers, each awaiting its own write: the ceiling ingest's write path is
// measured against. Ingest runs as its own process (parse, validate, Redis duplicate claim,
// Kafka write, ACK), so its RSS is its own.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBareProducer, createKafkaClient, deriveEventId, parseBrokerList, provisionTopics } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { MllpClient } from '@conduit/mllp';
import { getFreePort } from '../e2e/free-port.ts';
import { serviceEnv } from '../lib/service-env.ts';
import { serviceV8Flags, spawnService } from '../lib/service-process.ts';
import { waitForPort } from '../lib/wait-port.ts';

const SERIAL_MESSAGES = 3000;
const PARALLEL_CONNECTIONS = 8;
const PARALLEL_MESSAGES = 8000;
const WARMUP_MESSAGES = 500;

/** Half ADT^A01 (~0.8 KB), half ORU^R01 with 20 OBX (~2.3 KB); every control id unique. */
function makeWorkload(count: number, run: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `B${run}${String(i).padStart(7, '0')}`;
    const mrn = `MRN${String(100000 + (i % 5000))}`;
    if (i % 2 === 0) {
      out.push([
        `MSH|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122083000-0500||ADT^A01^ADT_A01|${id}|P|2.5.1`,
        'EVN|A01|20261122083000-0500',
        `PID|1||${mrn}^^^GOODHEALTH^MR~999-12-${String(1000 + (i % 9000))}^^^USSSA^SS||DOE^JANE^Q^^^^L||19620320|F|||2222 HOME STREET^^GREENSBORO^NC^27401-1020^USA^H||^PRN^PH^^1^555^5552004|||M||ACCT${i}|`,
        'NK1|1|DOE^JOHN|SPO^Spouse^HL70063|2222 HOME STREET^^GREENSBORO^NC^27401-1020^USA^H|^PRN^PH^^1^555^5552005',
        'PV1|1|I|2000^2012^01^GOODHEALTH||||004777^ATTEND^AARON^A^^^^^^^^^NPI|||SUR||||ADM|A0||||||||||||||||||||||||||20261122080000-0500',
        'AL1|1|DA|70618^Penicillin^RXNORM|SV|Hives',
        'DG1|1|I10|I10^Hypertension^I10|||A',
      ].join('\r') + '\r');
    } else {
      const obx = Array.from({ length: 20 }, (_, k) => `OBX|${k + 1}|NM|2345-7^Glucose^LN||${90 + (k % 20)}|mg/dL^mg/dL^UCUM|70-99|N|||F|||20261122071500-0500`);
      out.push([
        `MSH|^~\\&|LAB|GOODHEALTH|CONDUIT|CONDUIT|20261122080000-0500||ORU^R01^ORU_R01|${id}|P|2.5.1`,
        `PID|1||${mrn}^^^GOODHEALTH^MR||DOE^JANE^Q^^^^L||19620320|F`,
        'PV1|1|O|LAB^^^GOODHEALTH',
        `ORC|RE|ORD${i}|LAB${i}||CM`,
        `OBR|1|ORD${i}|LAB${i}|24323-8^Comprehensive metabolic panel^LN|||20261122071500-0500|||||||||||||||20261122075500-0500|||F`,
        ...obx,
      ].join('\r') + '\r');
    }
  }
  return out;
}

interface Phase {
  readonly name: string;
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function summarize(name: string, latencies: number[], seconds: number): Phase {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { name, messages: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** `writers` loops, each sending its share one at a time and awaiting the answer. */
async function drive(name: string, payloads: readonly string[], writers: number, send: (writer: number, payload: string) => Promise<void>): Promise<Phase> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = next++; i < payloads.length; i = next++) {
      const t = performance.now();
      await send(w, payloads[i]!);
      latencies.push(performance.now() - t);
    }
  }));
  return summarize(name, latencies, (performance.now() - started) / 1000);
}

/** Peak resident set of a process while `during` runs, from /proc (Linux). */
async function peakRss<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = 0;
  const sample = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) peak = Math.max(peak, Number(m[1]) / 1024);
  };
  sample();
  const timer = setInterval(sample, 50);
  try {
    const result = await during();
    sample();
    return { result, peakMb: peak };
  } finally {
    clearInterval(timer);
  }
}

export async function runIngestBench(): Promise<Record<string, number>> {
  const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const run = randomUUID().replaceAll('-', '').slice(0, 6);
  const topic = `bench.${run}.raw`;
  const dir = mkdtempSync(join(tmpdir(), 'conduit-bench-ingest-'));
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const kafka = createKafkaClient({ brokers: parseBrokerList(brokers), clientId: 'bench-ingest', logger });
  const admin = kafka.admin();
  await admin.connect();
  // Same shape as the raw topic (deploy/kafka/topics.json), but the benchmark's own.
  await provisionTopics(admin, [{ name: topic, partitions: 6, replicationFactor: -1, configs: { 'retention.ms': '3600000', 'max.message.bytes': '10485760' } }]);

  const mllpPort = await getFreePort();
  const ingest = spawnService('ingest', {
    ...serviceEnv('ingest', { kafkaBrokers: brokers, mllpPort, logLevel: 'warn' }),
    CONDUIT_RAW_TOPIC: topic,
    CONDUIT_DEDUPE_PREFIX: `bench:${run}:dedupe`,
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  }, join(dir, 'ingest.log'));
  const bare = await createBareProducer(kafka);
  const clients: MllpClient[] = [];
  try {
    await waitForPort('127.0.0.1', mllpPort, 30000);
    const pid = ingest.child.pid!;
    const idleMb = (await peakRss(pid, async () => undefined)).peakMb;
    for (let i = 0; i < PARALLEL_CONNECTIONS; i++) clients.push(await MllpClient.connect({ host: '127.0.0.1', port: mllpPort }));
    const viaMllp = (w: number, payload: string) =>
      clients[w]!.send(payload).then((ack) => {
        if (!ack.includes('\rMSA|AA|')) throw new Error(`ingest answered without AA: ${ack.slice(ack.indexOf('MSA'), ack.indexOf('MSA') + 60)}`);
      });
    // The record ingest writes is the message plus ~500 bytes of receipt metadata: the bare
    // producer writes the same JSON shape, key and header set.
    const record = (hl7: string) => JSON.stringify({ receivedAt: new Date().toISOString(), listener: 'mllp-default', transport: 'mllp', peer: { address: '127.0.0.1' }, header: { sendingApplication: 'EPIC', sendingFacility: 'GOODHEALTH', receivingApplication: 'CONDUIT', receivingFacility: 'CONDUIT', messageTime: '20261122083000-0500', messageCode: 'ADT', triggerEvent: 'A01', messageStructure: 'ADT_A01', controlId: 'x', processingId: 'P', version: '2.5.1' }, charset: 'ASCII', hl7 });
    const direct = (_w: number, payload: string) => {
      const id = deriveEventId('bench', payload.slice(0, 120));
      return bare.send(topic, id.slice(0, 32), record(payload), { 'conduit-event-id': id, 'conduit-correlation-id': id, 'conduit-schema': 'raw-message', 'conduit-schema-version': '1', traceparent: `00-${id.replaceAll('-', '')}-0000000000000001-01`, 'conduit-source-listener': 'mllp-default' });
    };

    await drive('warm-up', makeWorkload(WARMUP_MESSAGES, `${run}w`), 1, viaMllp);
    await drive('warm-up', makeWorkload(WARMUP_MESSAGES, `${run}v`), 1, direct);

    const serialLoad = makeWorkload(SERIAL_MESSAGES, `${run}s`);
    const parallelLoad = makeWorkload(PARALLEL_MESSAGES, `${run}p`);
    const bareSerial = await drive('bare kafkajs, 1 writer', serialLoad, 1, direct);
    const serial = await peakRss(pid, () => drive('ingest MLLP, 1 connection', makeWorkload(SERIAL_MESSAGES, `${run}t`), 1, viaMllp));
    const bareParallel = await drive(`bare kafkajs, ${PARALLEL_CONNECTIONS} writers`, parallelLoad, PARALLEL_CONNECTIONS, direct);
    const parallel = await peakRss(pid, () => drive(`ingest MLLP, ${PARALLEL_CONNECTIONS} connections`, makeWorkload(PARALLEL_MESSAGES, `${run}q`), PARALLEL_CONNECTIONS, viaMllp));

    const bytes = serialLoad.reduce((n, p) => n + p.length, 0) / serialLoad.length;
    console.log(`ingest bench: ${SERIAL_MESSAGES} + ${PARALLEL_MESSAGES} messages (half ADT^A01, half ORU^R01 with 20 OBX; ${Math.round(bytes)} B/message average), broker ${brokers}, topic with 6 partitions, acks=-1, idempotent producer; ingest V8 flags ${serviceV8Flags.ingest.join(' ') || '(none)'}`);
    console.log(`${''.padEnd(32)}${'msg/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`);
    for (const p of [bareSerial, serial.result, bareParallel, parallel.result]) {
      console.log(`${p.name.padEnd(32)}${Math.round(p.perSecond).toLocaleString('en-US').padStart(9)}${p.p50Ms.toFixed(2).padStart(9)}${p.p99Ms.toFixed(2).padStart(9)}`);
    }
    const ratioSerial = serial.result.perSecond / bareSerial.perSecond;
    const ratioParallel = parallel.result.perSecond / bareParallel.perSecond;
    const peakMb = Math.max(serial.peakMb, parallel.peakMb);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`1 connection: ${Math.round(serial.result.perSecond)} msg/s (target >= 1,000: ${verdict(serial.result.perSecond >= 1000)}), p99 ${serial.result.p99Ms.toFixed(2)} ms (target < 5: ${verdict(serial.result.p99Ms < 5)}), ${(ratioSerial * 100).toFixed(0)}% of the bare producer`);
    console.log(`${PARALLEL_CONNECTIONS} connections: ${(ratioParallel * 100).toFixed(0)}% of the bare producer's rate (target >= 70%: ${verdict(ratioParallel >= 0.7)})`);
    console.log(`ingest RSS: ${idleMb.toFixed(1)} MB idle after start, ${peakMb.toFixed(1)} MB peak under load (target < 150: ${verdict(peakMb < 150)})`);
    return {
      'serial.msgPerSec': serial.result.perSecond,
      'serial.p50Ms': serial.result.p50Ms,
      'serial.p99Ms': serial.result.p99Ms,
      'parallel.msgPerSec': parallel.result.perSecond,
      'parallel.p50Ms': parallel.result.p50Ms,
      'parallel.p99Ms': parallel.result.p99Ms,
      'bareSerial.msgPerSec': bareSerial.perSecond,
      'bareParallel.msgPerSec': bareParallel.perSecond,
      'ratio.serial': ratioSerial,
      'ratio.parallel': ratioParallel,
      'ingest.rssIdleMb': idleMb,
      'ingest.rssPeakMb': peakMb,
    };
  } finally {
    for (const c of clients) c.close();
    await bare.disconnect();
    await ingest.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await runIngestBench();
