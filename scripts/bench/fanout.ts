// Fanout throughput and latency: a separate fanout process drains a backlog to a pull topic, then
// delivers to a local keep-alive webhook receiver; a steady-load phase measures delivery latency.
// `npm run bench -- fanout`, or run this file directly. Needs Kafka and Redis (as `npm test` does).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStage, type Publisher } from '@conduit/bus';
import { subscriberTopic, type ProjectedEvent } from '@conduit/events';
import { createLogger } from '@conduit/log';
import { metricValue } from '@conduit/metrics';
import { createFanoutFixture, startReceiver, syntheticEvent, writeContract } from '../e2e/fanout-harness.ts';
import { getFreePort } from '../e2e/free-port.ts';
import { spawnService } from '../lib/service-process.ts';

export interface FanoutBenchResult {
  readonly pull: { readonly events: number; readonly seconds: number; readonly perSecond: number };
  readonly webhook: { readonly events: number; readonly seconds: number; readonly perSecond: number };
  readonly latency: { readonly pullP50Ms: number; readonly pullP99Ms: number; readonly webhookP50Ms: number; readonly webhookP99Ms: number };
}

const PULL_EVENTS = 40_000;
const WEBHOOK_EVENTS = 12_000;
const STEADY = { seconds: 5, pullPerSecond: 2000, webhookPerSecond: 1000 };

export async function runFanoutBench(): Promise<FanoutBenchResult> {
  const fx = await createFanoutFixture('bench');
  const pull = `${fx.run}-pull`;
  const hook = `${fx.run}-hook`;
  const secret = 'whsec-bench-0123456789abcdef';
  const receiver = await startReceiver({ secrets: { '/hook': secret } });
  writeContract(fx.contractsDir, pull, { pull: true });
  writeContract(fx.contractsDir, hook, { webhook: { url: `${receiver.url}/hook`, secretRef: 'BENCH_HOOK_KEY', concurrency: 64, maxAttempts: 3, timeoutMs: 5000 } });
  const metricsPort = await getFreePort();
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? mkdtempSync(join(tmpdir(), 'conduit-bench-'));
  const fanout = spawnService('fanout', fx.env({ BENCH_HOOK_KEY: secret, CONDUIT_METRICS_PORT: String(metricsPort), CONDUIT_LOG_LEVEL: 'warn' }), join(logDir, `fanout-${fx.run}.log`));
  const delivered = async (subscriber: string, channel: string) => {
    try {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return metricValue(text, 'conduit_fanout_delivered_total', { subscriber, channel }) ?? 0;
    } catch {
      return -1;
    }
  };
  try {
    // The backlog is produced while fanout joins its group; the clock starts at its first delivery.
    const backlog = Array.from({ length: PULL_EVENTS }, (_, n) => syntheticEvent(pull, n, n % 5000));
    await fx.produce(backlog);
    while ((await delivered(pull, 'kafka')) < 0) await sleep(200);
    let first = 0;
    let done = 0;
    for (;;) {
      const n = await delivered(pull, 'kafka');
      const now = performance.now();
      if (n > 0 && first === 0) first = now;
      if (n >= PULL_EVENTS) {
        done = now;
        break;
      }
      await sleep(50);
    }
    const pullSeconds = (done - first) / 1000;

    // A reader of the pull topic, joined before the steady phase, measures what a subscriber sees.
    const pullLatencies: number[] = [];
    const reader = await startLatencyReader(fx, subscriberTopic(pull), pullLatencies);

    const hookEvents = Array.from({ length: WEBHOOK_EVENTS }, (_, n) => syntheticEvent(hook, n, n % 5000));
    await fx.produce(hookEvents);
    await receiver.until((rs) => rs.length >= WEBHOOK_EVENTS, 120000);
    const arrivals = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
    const hookSeconds = (arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000;

    // Steady load below capacity: latency from production to the subscriber.
    const before = receiver.requests.length;
    const tick = 50;
    for (let t = 0; t < (STEADY.seconds * 1000) / tick; t++) {
      const at = new Date().toISOString();
      const batch = [
        ...Array.from({ length: (STEADY.pullPerSecond * tick) / 1000 }, (_, i) => ({ ...syntheticEvent(pull, i, (t * 97 + i) % 5000, at), sourceEventId: 'steady' })),
        ...Array.from({ length: (STEADY.webhookPerSecond * tick) / 1000 }, (_, i) => ({ ...syntheticEvent(hook, i, (t * 89 + i) % 5000, at), sourceEventId: 'steady' })),
      ];
      void fx.produce(batch);
      await sleep(tick);
    }
    const steadyHooks = STEADY.seconds * STEADY.webhookPerSecond;
    await receiver.until((rs) => rs.length >= before + steadyHooks, 60000);
    const steadyPulls = STEADY.seconds * STEADY.pullPerSecond;
    while (pullLatencies.length < steadyPulls) await sleep(100);
    await reader.stop();
    const hookLatencies = receiver.requests.slice(before).map((r) => r.at - Date.parse((JSON.parse(r.body.toString()) as ProjectedEvent).occurredAt));

    const result: FanoutBenchResult = {
      pull: { events: PULL_EVENTS, seconds: pullSeconds, perSecond: Math.round(PULL_EVENTS / pullSeconds) },
      webhook: { events: WEBHOOK_EVENTS, seconds: hookSeconds, perSecond: Math.round(WEBHOOK_EVENTS / hookSeconds) },
      latency: {
        pullP50Ms: percentile(pullLatencies, 50), pullP99Ms: percentile(pullLatencies, 99),
        webhookP50Ms: percentile(hookLatencies, 50), webhookP99Ms: percentile(hookLatencies, 99),
      },
    };
    const bad = receiver.requests.filter((r) => r.signature !== 'ok').length;
    console.log(`fanout pull:    ${PULL_EVENTS} events to conduit.sub.<id>.v1 in ${pullSeconds.toFixed(2)} s → ${result.pull.perSecond} events/s (target ≥ 10000/s)`);
    console.log(`fanout webhook: ${WEBHOOK_EVENTS} events to a local keep-alive receiver in ${hookSeconds.toFixed(2)} s → ${result.webhook.perSecond} events/s (target ≥ 2000/s; concurrency 64, ${bad} bad signatures)`);
    console.log(`fanout latency at ${STEADY.pullPerSecond}/s pull + ${STEADY.webhookPerSecond}/s webhook for ${STEADY.seconds} s: pull p50 ${result.latency.pullP50Ms} ms, p99 ${result.latency.pullP99Ms} ms; webhook p50 ${result.latency.webhookP50Ms} ms, p99 ${result.latency.webhookP99Ms} ms`);
    return result;
  } finally {
    await fanout.stop();
    await receiver.close();
    await fx.dispose([pull]);
  }
}

/** A consumer (fresh group, latest offsets) recording production-to-arrival time of steady events. */
async function startLatencyReader(fx: Awaited<ReturnType<typeof createFanoutFixture>>, topic: string, out: number[]) {
  const sink: Publisher = { publish: () => Promise.resolve(), disconnect: () => Promise.resolve() };
  const stage = await runStage({
    kafka: fx.kafka,
    groupId: `bench-${fx.run}-reader`,
    topics: [topic],
    fromBeginning: false,
    publisher: sink,
    logger: createLogger({ name: 'bench', level: 'silent' }),
    handle: (r) => {
      const e = JSON.parse(r.value.toString()) as ProjectedEvent;
      if (e.sourceEventId === 'steady') out.push(Date.now() - Date.parse(e.occurredAt));
      return [];
    },
    deadLetter: () => [],
  });
  // runStage resolves once the group is joined; the webhook phase runs before any steady event.
  return stage;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (import.meta.main) await runFanoutBench();
