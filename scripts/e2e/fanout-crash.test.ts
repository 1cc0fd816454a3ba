import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscriberTopic, type ProjectedEvent } from '@conduit/events';
import { SEEDED_PHI } from '../lib/phi-scan.ts';
import { spawnService, type ServiceProcess } from '../lib/service-process.ts';
import { createFanoutFixture, startReceiver, syntheticEvent, writeContract, type FanoutFixture, type Receiver } from './fanout-harness.ts';

const EVENTS = 1000;
const PATIENTS = 50;
let fx: FanoutFixture;
let receiver: Receiver;
let both: string;
let pullOnly: string;
const processes: ServiceProcess[] = [];

before(async () => {
  fx = await createFanoutFixture('crash');
  both = `${fx.run}-both`;
  pullOnly = `${fx.run}-pull`;
  // A little latency per request keeps webhook deliveries in flight when the process dies.
  receiver = await startReceiver({ secrets: { '/both': 'whsec-crash-0123456789abcdef' }, behaviours: { '/both': () => ({ status: 200, delayMs: 3 }) } });
  writeContract(fx.contractsDir, both, { pull: true, webhook: { url: `${receiver.url}/both`, secretRef: 'CRASH_HOOK_KEY', concurrency: 4, backoffMs: 200 } });
  writeContract(fx.contractsDir, pullOnly, { pull: true });
});

after(async () => {
  for (const p of processes) await p.stop();
  await receiver?.close();
  await fx?.dispose([both, pullOnly]);
});

test('fanout killed (SIGKILL) in the middle of 1,000 events and restarted delivers every event, with no sequence number missing', { timeout: 170000 }, async () => {
  const logDir = process.env['CONDUIT_TEST_LOG_DIR'] ?? mkdtempSync(join(tmpdir(), 'conduit-logs-'));
  const env = fx.env({ CRASH_HOOK_KEY: 'whsec-crash-0123456789abcdef', CONDUIT_DELIVERY_LOCK_MS: '3000', CONDUIT_LOG_LEVEL: 'info' });
  const start = () => {
    const p = spawnService('fanout', env, join(logDir, `fanout-${fx.run}.log`));
    processes.push(p);
    return p;
  };
  const events = (subscriber: string) => Array.from({ length: EVENTS }, (_, n) => syntheticEvent(subscriber, n, n % PATIENTS));
  const forBoth = events(both);
  const forPull = events(pullOnly);

  const first = start();
  // The burst goes on while fanout dies: production starts once fanout delivers, and fanout is
  // killed once webhooks are flowing. Production holds at half the burst until the kill, so on a
  // slow machine the kill still lands mid-burst, and the second half is produced into the outage.
  const produceChunk = (i: number) => fx.produce([...forBoth.slice(i, i + 50), ...forPull.slice(i, i + 50)]);
  await produceChunk(0);
  await receiver.until((rs) => rs.length >= 1, 90000);
  let produced = 50;
  let killed!: () => void;
  const kill = new Promise<void>((r) => (killed = r));
  const production = (async () => {
    for (let i = 50; i < EVENTS; i += 50) {
      if (i === EVENTS / 2) await kill;
      await new Promise((r) => setTimeout(r, 40));
      await produceChunk(i);
      produced = i + 50;
    }
  })();
  await receiver.until((rs) => rs.length >= 150, 90000);
  first.child.kill('SIGKILL');
  const producedAtKill = produced;
  killed();
  await new Promise((r) => first.child.once('exit', r));
  assert.ok(producedAtKill < EVENTS, `killed mid-burst (${producedAtKill} of ${EVENTS} produced)`);
  await production;
  const second = start();

  // Webhook: every event answered 2xx, each with its one sequence number.
  await receiver.until((rs) => new Set(rs.filter((r) => r.status === 200).map((r) => r.eventId)).size === EVENTS, 150000);
  const seqOf = new Map<string, number>();
  for (const r of receiver.requests) {
    assert.equal(seqOf.get(r.eventId) ?? r.sequence, r.sequence, 'an event keeps its number across redeliveries');
    seqOf.set(r.eventId, r.sequence);
  }
  assert.deepEqual([...seqOf.values()].sort((a, b) => a - b), Array.from({ length: EVENTS }, (_, i) => i + 1));
  assert.deepEqual(receiver.requests.filter((r) => r.signature !== 'ok'), []);

  // Pull topics: every event present; the numbers seen form 1..max with no hole, and no number names two events.
  for (const [subscriber, sent] of [[both, forBoth], [pullOnly, forPull]] as const) {
    const records = await fx.read(subscriberTopic(subscriber), (seen) => new Set(seen.map((r) => r.headers.eventId)).size >= EVENTS, 60000);
    const pulled = records.map((r) => JSON.parse(r.value.toString()) as ProjectedEvent);
    assert.deepEqual(new Set(pulled.map((e) => e.eventId)), new Set(sent.map((e) => e.eventId)), `${subscriber}: every event on the topic`);
    const eventOfSeq = new Map<number, string>();
    for (const e of pulled) {
      assert.equal(eventOfSeq.get(e.sequence!) ?? e.eventId, e.eventId, `${subscriber}: number ${e.sequence} names one event`);
      eventOfSeq.set(e.sequence!, e.eventId);
    }
    const max = Math.max(...eventOfSeq.keys());
    assert.deepEqual([...eventOfSeq.keys()].sort((a, b) => a - b), Array.from({ length: max }, (_, i) => i + 1), `${subscriber}: no gap in 1..${max}`);
    if (subscriber === both) assert.equal(max, EVENTS, 'with a webhook, an event has one number on both channels');
  }
  await second.stop();
  const log = readFileSync(second.logFile, 'utf8');
  assert.match(log, /fanout running/);
  for (const phi of SEEDED_PHI) assert.equal(log.includes(phi), false, 'fanout logs hold no seeded PHI');
});
